namespace TaskFunctions.Core.Images.BackgroundFix;

/// <summary>8-bit sRGB ↔ HSV and ↔ CIELAB (D65) conversions used by the background fix.</summary>
internal static class ColorSpace
{
    // D65 reference white, as used by sRGB.
    private const float Xn = 0.95047f;
    private const float Yn = 1f;
    private const float Zn = 1.08883f;
    private const float Epsilon = 216f / 24389f;
    private const float Kappa = 24389f / 27f;

    private static readonly float[] LinearTable = BuildLinearTable();

    /// <summary>Rec. 601 luma of gamma-encoded RGB, 0–255: the "brightness" the shadow/light thresholds refer to.</summary>
    public static float Luma(byte r, byte g, byte b) => (0.299f * r) + (0.587f * g) + (0.114f * b);

    /// <summary>Hue in degrees [0, 360), saturation and value in [0, 1]; an achromatic colour has hue 0.</summary>
    public static (float H, float S, float V) RgbToHsv(byte r, byte g, byte b)
    {
        float rf = r / 255f, gf = g / 255f, bf = b / 255f;
        float max = MathF.Max(rf, MathF.Max(gf, bf));
        float min = MathF.Min(rf, MathF.Min(gf, bf));
        float delta = max - min;
        float s = max <= 0 ? 0 : delta / max;
        float h = 0;
        if (delta > 0)
        {
            if (max == rf)
            {
                h = 60f * ((gf - bf) / delta);
            }
            else if (max == gf)
            {
                h = 60f * (((bf - rf) / delta) + 2f);
            }
            else
            {
                h = 60f * (((rf - gf) / delta) + 4f);
            }
        }

        return (WrapHue(h), s, max);
    }

    public static (byte R, byte G, byte B) HsvToRgb(float h, float s, float v)
    {
        h = WrapHue(h);
        float c = v * s;
        float hp = h / 60f;
        float x = c * (1f - MathF.Abs((hp % 2f) - 1f));
        (float r, float g, float b) = (int)hp switch
        {
            0 => (c, x, 0f),
            1 => (x, c, 0f),
            2 => (0f, c, x),
            3 => (0f, x, c),
            4 => (x, 0f, c),
            _ => (c, 0f, x),
        };
        float m = v - c;
        return (ToByte((r + m) * 255f), ToByte((g + m) * 255f), ToByte((b + m) * 255f));
    }

    /// <summary>Wraps a hue into [0, 360).</summary>
    public static float WrapHue(float h)
    {
        h %= 360f;
        if (h < 0)
        {
            h += 360f;
        }

        return h >= 360f ? 0f : h;
    }

    /// <summary>Signed shortest rotation, in (−180, 180], that takes hue <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static float HueDelta(float from, float to)
    {
        float d = (to - from) % 360f;
        if (d > 180f)
        {
            d -= 360f;
        }
        else if (d <= -180f)
        {
            d += 360f;
        }

        return d;
    }

    public static (float L, float A, float B) RgbToLab(byte r, byte g, byte b)
    {
        float rl = LinearTable[r], gl = LinearTable[g], bl = LinearTable[b];
        float x = ((0.4124564f * rl) + (0.3575761f * gl) + (0.1804375f * bl)) / Xn;
        float y = ((0.2126729f * rl) + (0.7151522f * gl) + (0.0721750f * bl)) / Yn;
        float z = ((0.0193339f * rl) + (0.1191920f * gl) + (0.9503041f * bl)) / Zn;
        float fx = F(x), fy = F(y), fz = F(z);
        return ((116f * fy) - 16f, 500f * (fx - fy), 200f * (fy - fz));
    }

    /// <summary>CIELAB to 8-bit sRGB; a colour outside the sRGB gamut loses chroma, at constant L* and hue, until it fits.</summary>
    /// <remarks>Clipping each channel instead would shift lightness and hue, which the Lab transfer promises to keep.</remarks>
    public static (byte R, byte G, byte B) LabToRgb(float l, float a, float b)
    {
        l = Math.Clamp(l, 0f, 100f);
        var linear = LabToLinear(l, a, b);
        if (!InGamut(linear))
        {
            // A neutral of any L* in [0, 100] is in gamut, so the largest fitting chroma factor lies in [0, 1).
            float low = 0f, high = 1f;
            for (int i = 0; i < 16; i++)
            {
                float mid = (low + high) / 2f;
                if (InGamut(LabToLinear(l, a * mid, b * mid)))
                {
                    low = mid;
                }
                else
                {
                    high = mid;
                }
            }

            linear = LabToLinear(l, a * low, b * low);
        }

        return (ToByte(LinearToSrgb(linear.R) * 255f), ToByte(LinearToSrgb(linear.G) * 255f), ToByte(LinearToSrgb(linear.B) * 255f));
    }

    /// <summary>Hue angle of a*, b* in degrees [0, 360).</summary>
    public static float LabHue(float a, float b) => WrapHue(MathF.Atan2(b, a) * (180f / MathF.PI));

    private static (float R, float G, float B) LabToLinear(float l, float a, float b)
    {
        float fy = (l + 16f) / 116f;
        float fx = fy + (a / 500f);
        float fz = fy - (b / 200f);
        float x = FInverse(fx) * Xn, y = FInverse(fy) * Yn, z = FInverse(fz) * Zn;
        return (
            (3.2404542f * x) - (1.5371385f * y) - (0.4985314f * z),
            (-0.9692660f * x) + (1.8760108f * y) + (0.0415560f * z),
            (0.0556434f * x) - (0.2040259f * y) + (1.0572252f * z));
    }

    // Half an 8-bit step of slack: such colours round into range anyway.
    private static bool InGamut((float R, float G, float B) c)
    {
        const float Slack = 0.5f / 255f / 12.92f;
        return c.R >= -Slack && c.R <= 1f + Slack && c.G >= -Slack && c.G <= 1f + Slack && c.B >= -Slack && c.B <= 1f + Slack;
    }

    private static float F(float t) => t > Epsilon ? MathF.Cbrt(t) : ((Kappa * t) + 16f) / 116f;

    private static float FInverse(float f)
    {
        float cube = f * f * f;
        return cube > Epsilon ? cube : ((116f * f) - 16f) / Kappa;
    }

    private static float LinearToSrgb(float c)
    {
        c = Math.Clamp(c, 0f, 1f);
        return c <= 0.0031308f ? 12.92f * c : (1.055f * MathF.Pow(c, 1f / 2.4f)) - 0.055f;
    }

    private static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round(v), 0f, 255f);

    private static float[] BuildLinearTable()
    {
        var table = new float[256];
        for (int i = 0; i < table.Length; i++)
        {
            double c = i / 255.0;
            table[i] = (float)(c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4));
        }

        return table;
    }
}
