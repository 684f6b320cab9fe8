namespace TaskFunctions.Core.Tasks;

/// <summary>
/// One image carried by a create request: <paramref name="Field"/> is the wire field name, indexed for list
/// fields (<c>reference_images[1]</c>); <paramref name="Value"/> is base64, a data URL, an http(s) URL or,
/// when <paramref name="AllowLocalPath"/>, a local path.
/// </summary>
public sealed record ImageInput(string Field, string Value, bool AllowLocalPath)
{
    /// <summary>The key used for a list element, e.g. <c>ListField("reference_images", 1)</c> → <c>reference_images[1]</c>.</summary>
    public static string ListField(string field, int index) => $"{field}[{index}]";
}
