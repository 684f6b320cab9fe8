namespace TaskFunctions.Core.Tasks;

/// <summary>Marks a string field that must hold an absolute http(s) URL (pydantic <c>HttpUrl</c>).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
public sealed class HttpUrlAttribute : Attribute
{
}
