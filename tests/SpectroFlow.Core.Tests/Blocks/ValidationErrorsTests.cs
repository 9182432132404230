using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Core.Tests.Blocks;

public sealed class ValidationErrorsTests
{
    [Fact]
    public void Add_SeveralProblems_KeepsAllInOrderWithLocations()
    {
        var errors = new ValidationErrors();

        errors.Add("fft_size", "must be a power of two");
        errors.Add(new SourceLocation("r.yaml", 3, 5), "unknown block 'x'");
        errors.Add("no inputs");

        errors.Count.Should().Be(3);
        errors.Errors[0].Key.Should().Be("fft_size");
        errors.ToString().Should().Be(string.Join(Environment.NewLine, "must be a power of two", "r.yaml:3:5: unknown block 'x'", "no inputs"));
    }
}
