namespace TaskFunctions.Core.Images;

/// <summary>Which part of the source a crop keeps (wire values "center", "top", ..., "bottom_right").</summary>
public enum CroppingPosition
{
    Center,
    Top,
    Bottom,
    Left,
    Right,
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}
