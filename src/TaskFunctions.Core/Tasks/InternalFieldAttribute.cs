namespace TaskFunctions.Core.Tasks;

/// <summary>Marks a property that is stored with the task document but never sent to API clients.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
public sealed class InternalFieldAttribute : Attribute
{
}
