using System.Text.Json.Serialization;

namespace TaskFunctions.Core.Validation;

/// <summary>One entry of a FastAPI/pydantic-style 422 body: <c>{"loc":[...],"msg":"...","type":"..."}</c>.</summary>
public sealed record ValidationErrorItem(
    [property: JsonPropertyName("loc")] IReadOnlyList<object> Loc,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("type")] string Type)
{
    /// <summary>An error located in the request body: <c>loc = ["body", ...path]</c>.</summary>
    public static ValidationErrorItem Body(string msg, string type, params object[] path) =>
        new(["body", .. path], msg, type);
}
