namespace Enas.Tests.Data;

/// <summary>A theory that skips (with the reason shown) when the Debian package's Fashion-MNIST files are not
/// installed, as <see cref="RequiresFashionMnistFactAttribute"/> does for facts.</summary>
public sealed class RequiresFashionMnistTheoryAttribute : TheoryAttribute
{
    public RequiresFashionMnistTheoryAttribute() => Skip = new RequiresFashionMnistFactAttribute().Skip;
}
