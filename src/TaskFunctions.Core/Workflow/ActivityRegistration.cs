namespace TaskFunctions.Core.Workflow;

/// <summary>An activity's name, its implementing class and its input/output types.</summary>
public sealed record ActivityRegistration(string Name, Type Implementation, Type Input, Type Output);
