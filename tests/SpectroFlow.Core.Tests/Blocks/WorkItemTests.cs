using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Randomness;

namespace SpectroFlow.Core.Tests.Blocks;

public sealed class WorkItemTests
{
    [Fact]
    public void Create_KeyAndSeed_SeedDependsOnlyOnRecipeSeedAndKey()
    {
        WorkItem a = WorkItem.Create("clips/intro.wav", 17, "payload", 42);
        WorkItem b = WorkItem.Create("clips/intro.wav", 3, "other", 42);

        a.Seed.Should().Be(DeterministicRandom.DeriveSeed(42, "clips/intro.wav")).And.Be(b.Seed);
        a.ToString().Should().Be("#17 clips/intro.wav");
    }

    [Fact]
    public void WithMetadata_IntAndFloat_AreStoredAsLongAndDouble()
    {
        WorkItem item = WorkItem.Create("k", 0, 1, 0).WithMetadata("clip_index", 3).WithMetadata("tempo", 120.5f);

        item.Metadata["clip_index"].Should().Be(3L);
        item.Metadata["tempo"].Should().Be(120.5);
        item.GetMetadata("clip_index", -1L).Should().Be(3L);
        item.GetMetadata("missing", "none").Should().Be("none");
    }

    [Fact]
    public void WithMetadata_NonScalar_Throws()
    {
        Action add = () => WorkItem.Create("k", 0, 1, 0).WithMetadata("bad", new object());

        add.Should().Throw<ArgumentException>().WithMessage("Metadata 'bad' must be*");
    }

    [Fact]
    public void CreateChild_Suffix_KeepsOrdinalAndMetadataWithOwnSeed()
    {
        WorkItem parent = WorkItem.Create("song.wav", 5, 1, 7).WithMetadata(WorkItem.Keys.Tags, "rock");

        WorkItem child = parent.CreateChild("2", 2);

        child.Key.Should().Be("song.wav#2");
        child.Ordinal.Should().Be(5);
        child.Metadata[WorkItem.Keys.Tags].Should().Be("rock");
        child.Seed.Should().NotBe(parent.Seed).And.Be(parent.CreateChild("2", 99).Seed);
    }

    [Fact]
    public void Combine_Parts_TakesFirstPartsOrdinalAndMetadata()
    {
        WorkItem a = WorkItem.Create("a", 1, 1, 0).WithMetadata("x", "from-a");
        WorkItem b = WorkItem.Create("b", 2, 2, 0);

        WorkItem pair = WorkItem.Combine("a+b", "ab", [a, b]);

        pair.Ordinal.Should().Be(1);
        pair.Metadata["x"].Should().Be("from-a");
        pair.Payload.Should().Be("ab");
    }
}
