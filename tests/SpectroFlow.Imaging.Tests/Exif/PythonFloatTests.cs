using SpectroFlow.Imaging.Exif;

namespace SpectroFlow.Imaging.Tests.Exif;

public sealed class PythonFloatTests
{
    [Theory]
    [InlineData(0.25, "0.25")]
    [InlineData(46801012.0, "46801012.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(1.0, "1.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(123.456, "123.456")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e-5, "1.5e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e300, "1e+300")]
    [InlineData(0.1, "0.1")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    public void Repr_Value_MatchesPython(double value, string expected)
    {
        PythonFloat.Repr(value).Should().Be(expected);
    }
}
