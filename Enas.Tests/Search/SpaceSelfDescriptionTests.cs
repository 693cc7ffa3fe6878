using System.Collections.Immutable;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Tests.Search;

/// <summary>What each registered space says about itself: its size, the space its token count implies (what
/// <see cref="Architecture.ToString"/> uses) and its drawings.</summary>
public class SpaceSelfDescriptionTests
{
    public static TheoryData<string, int, string[]> Spaces => new()
    {
        { "micro", 3, ["normal-cell.svg", "reduction-cell.svg"] },
        { "macro", 6, ["macro-network.svg"] },
        { "rnn", 4, ["rnn-cell.svg"] },
    };

    [Theory]
    [MemberData(nameof(Spaces))]
    public void SizeTokenCountDescriptionAndDrawingsComeFromTheSpace(string name, int size, string[] files)
    {
        var space = SearchSpaces.Create(name, size);
        Assert.Equal(size, space.Size);
        var found = SearchSpaces.ForTokens(name, space.Decisions.Count);
        Assert.NotNull(found);
        Assert.Equal(size, found.Size);

        var arch = ArchitectureTests.RandomArch(space, new XoshiroRandom(5));
        Assert.Equal($"{name} " + space.Describe(arch).ReplaceLineEndings(" | "), arch.ToString());
        var drawings = space.Draw(arch);
        Assert.Equal(files, drawings.Select(d => d.File).ToArray());
        Assert.All(drawings, d => Assert.StartsWith("<svg", d.Svg.TrimStart()));
    }

    [Fact]
    public void ToStringFallsBackToTheTokensWhenNoSpaceFits()
    {
        Assert.Null(SearchSpaces.ForTokens("micro", 12));
        Assert.Equal("micro[0 1 2]", new Architecture("micro", [0, 1, 2]).ToString());
        Assert.Equal("other[1]", new Architecture("other", [1]).ToString());
        var tooLarge = new Architecture("macro", ImmutableArray.Create(99, 0, 0));
        Assert.Equal("macro[99 0 0]", tooLarge.ToString());
    }
}
