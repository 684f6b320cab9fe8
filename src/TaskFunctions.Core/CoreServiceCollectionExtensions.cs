using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Api;
using TaskFunctions.Core.Auth;
using TaskFunctions.Core.Images;
using TaskFunctions.Core.Images.BackgroundFix;
using TaskFunctions.Core.Images.Quality;
using TaskFunctions.Core.Images.Subject;
using TaskFunctions.Core.Net;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.ComfyUI;
using TaskFunctions.Core.Providers.Fal;
using TaskFunctions.Core.Providers.OpenAI;
using TaskFunctions.Core.Providers.Replicate;
using TaskFunctions.Core.Webhooks;
using TaskFunctions.Core.Inputs;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Hosting;

namespace TaskFunctions.Core;

/// <summary>DI entry point of Core: everything both hosts need except the Durable wiring itself.</summary>
public static class CoreServiceCollectionExtensions
{
    public static IServiceCollection AddTaskFunctionsCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddTaskFunctionsStorage();
        services.AddTaskFunctionsAuth();
        services.AddTaskFunctionsOutbound();

        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<InputOptions>().BindConfiguration(InputOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ImageDecodeOptions>().BindConfiguration("Images");
        services.AddSingleton(sp => new ImageAdjuster(sp.GetRequiredService<IOptions<ImageDecodeOptions>>().Value));
        services.AddSingleton(sp => new BackgroundFixer(sp.GetRequiredService<IOptions<ImageDecodeOptions>>().Value));
        services.AddSingleton(sp => new MarginAdjuster(sp.GetRequiredService<IOptions<ImageDecodeOptions>>().Value));
        services.AddOptions<FaceQualityOptions>().BindConfiguration(FaceQualityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new FaceEnhancementLoop(sp.GetRequiredService<IOptions<FaceQualityOptions>>(), sp.GetRequiredService<IOptions<ImageDecodeOptions>>().Value));

        services.AddSingleton<InputImages>();
        services.AddTaskFunctionsFal();
        services.AddTaskFunctionsReplicate();
        services.AddTaskFunctionsOpenAI();
        services.AddTaskFunctionsComfyUI();
        services.AddTaskFunctionsWebhooks();
        services.AddSingleton<ProviderPolicies>();
        services.AddSingleton<ProviderResultWriter>();
        services.AddSingleton<IJobRequestFactory, FalRequestMapper>();
        services.AddSingleton<JobProviderRegistry>();

        services.AddSingleton<InputIngestor>();
        services.AddSingleton<TaskMutator>();
        services.AddSingleton<TasksApi>();
        services.AddSingleton<HealthApi>();
        foreach (var activity in WorkflowCatalog.Activities)
        {
            services.AddSingleton(activity.Implementation);
        }

        services.AddHostedService<StorageInitializer>();
        return services;
    }
}
