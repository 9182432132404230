using SpectroFlow.Core.IO;

namespace SpectroFlow.Core.Tests.IO;

public sealed class NaturalStringComparerTests
{
    [Fact]
    public void Order_NumbersCompareByValue_LettersIgnoreCase_TiesAreOrdinal()
    {
        string[] names = ["clip_10.png", "clip_2.png", "Clip_3.jpg", "clip_1.png", "clip_02.png", "b.png", "A.png", "clip_2.png.bak", "clip_.png", "clip_100.png"];

        names.Order(NaturalStringComparer.Instance).Should().Equal(
            "A.png", "b.png", "clip_.png", "clip_1.png", "clip_02.png", "clip_2.png", "clip_2.png.bak", "Clip_3.jpg", "clip_10.png", "clip_100.png");
    }

    [Theory]
    [InlineData("clip_2", "clip_10", -1)]
    [InlineData("a/clip_9/x", "a/clip_10/x", -1)]
    [InlineData("x99999999999999999999999", "x100000000000000000000000", -1)]
    [InlineData("clip_002", "clip_2", -1)]
    [InlineData("Clip_2", "clip_2", -1)]
    [InlineData("clip", "clip", 0)]
    [InlineData("clip_2a", "clip_2", 1)]
    public void Compare_GivesTheSignExpected(string x, string y, int sign)
    {
        Math.Sign(NaturalStringComparer.Instance.Compare(x, y)).Should().Be(sign);
        Math.Sign(NaturalStringComparer.Instance.Compare(y, x)).Should().Be(-sign);
    }

    [Fact]
    public void Compare_Null_SortsFirst()
    {
        NaturalStringComparer.Instance.Compare(null, "a").Should().BeNegative();
        NaturalStringComparer.Instance.Compare(null, null).Should().Be(0);
    }
}
