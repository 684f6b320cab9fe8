using TaskFunctions.Core;
using TaskFunctions.SelfHost;
using TaskFunctions.SelfHost.Durable;

if (args.Length > 0 && args[0] == "token")
{
    return DevTokenCommand.Run(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTaskFunctionsCore();
builder.AddDurableSidecar();

var app = builder.Build();
app.MapDurableSidecar();
app.MapTasksApi();
await app.RunAsync();
return 0;
