using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Core.Tests.Blocks;

public sealed class SharedResourcesTests
{
    [Fact]
    public async Task GetOrCreate_SameName_CreatesOnceAndDisposesInReverseOrder()
    {
        var disposed = new List<string>();
        var resources = new SharedResources();
        int created = 0;

        Tracker first = resources.GetOrCreate("a", () => { created++; return new Tracker("a", disposed); });
        resources.GetOrCreate("a", () => { created++; return new Tracker("a2", disposed); }).Should().BeSameAs(first);
        resources.GetOrCreate("b", () => new Tracker("b", disposed));
        await resources.DisposeAsync();

        created.Should().Be(1);
        disposed.Should().Equal("b", "a");
        Action after = () => resources.GetOrCreate("c", () => new Tracker("c", disposed));
        after.Should().Throw<ObjectDisposedException>();
    }

    private sealed class Tracker(string name, List<string> disposed) : IDisposable
    {
        public void Dispose() => disposed.Add(name);
    }
}
