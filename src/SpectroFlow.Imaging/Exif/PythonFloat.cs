using System.Globalization;
using System.Text;

namespace SpectroFlow.Imaging.Exif;

/// <summary>Formats doubles the way Python's <c>repr(float)</c> / <c>str(float)</c> does.</summary>
internal static class PythonFloat
{
    /// <summary>
    /// Shortest round-trip digits; positional notation with at least one decimal ("46801012.0", "0.25") when the
    /// decimal exponent is in [-4, 16), otherwise scientific ("1e+16", "1.5e-05"); "nan", "inf", "-inf".
    /// </summary>
    public static string Repr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        // "E16" is not shortest; "R" is (since .NET Core 3.0). Normalise "R" to digits + decimal exponent.
        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int exponentMarker = r.IndexOf('E', StringComparison.Ordinal);
        int exponent = 0;
        string mantissa = r;
        if (exponentMarker >= 0)
        {
            exponent = int.Parse(r.AsSpan(exponentMarker + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = r[..exponentMarker];
        }

        int point = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = point >= 0 ? mantissa.Remove(point, 1) : mantissa;
        int integerDigits = point >= 0 ? point : mantissa.Length;
        int leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        digits = digits[leadingZeros..].TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        // value = 0.d1d2d3... * 10^(decimalExponent + 1), i.e. d1.d2d3... * 10^decimalExponent
        int decimalExponent = integerDigits - leadingZeros - 1 + exponent;
        var text = new StringBuilder();
        if (value < 0)
        {
            text.Append('-');
        }

        if (decimalExponent is >= -4 and < 16)
        {
            if (decimalExponent < 0)
            {
                text.Append("0.").Append('0', -decimalExponent - 1).Append(digits);
            }
            else if (digits.Length <= decimalExponent + 1)
            {
                text.Append(digits).Append('0', decimalExponent + 1 - digits.Length).Append(".0");
            }
            else
            {
                text.Append(digits, 0, decimalExponent + 1).Append('.').Append(digits, decimalExponent + 1, digits.Length - decimalExponent - 1);
            }
        }
        else
        {
            text.Append(digits[0]);
            if (digits.Length > 1)
            {
                text.Append('.').Append(digits, 1, digits.Length - 1);
            }

            text.Append('e').Append(decimalExponent < 0 ? '-' : '+')
                .Append(Math.Abs(decimalExponent).ToString("00", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
