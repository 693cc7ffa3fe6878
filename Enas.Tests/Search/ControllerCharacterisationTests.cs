using System.Globalization;
using System.Text;
using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Kernels.Cpu;
using Enas.Search.Controller;
using Enas.Search.Spaces;
using Enas.Search.Util;
using Xunit.Abstractions;

namespace Enas.Tests.Search;

/// <summary>
/// Pins what every controller draws from a fixed seed on the CPU: tokens, log-probability, entropy and skip penalty of
/// a few greedy and sampled architectures, and the norm and sum of one REINFORCE gradient. The expected lines were
/// captured from the controllers before the shared decision helper existed, so a refactor that changes a random draw
/// or the order of a float operation fails here.
/// <para>
/// Floats are compared with <c>==</c> (round-trip literals) on a CPU whose kernels use the same SIMD width as the
/// capture (Vector256): the point is bit-identity, and a 1e-6 tolerance would let a reordered sum through. On a CPU
/// with another width the GEMM kernels sum in another order, so there the floats get a relative tolerance of 1e-5.
/// </para>
/// </summary>
public class ControllerCharacterisationTests(ITestOutputHelper output)
{
    private const int SamplesPerCase = 3;

    /// <summary>The SIMD width the expected values were captured with.</summary>
    private static bool SameWidthAsCapture => SimdWidth.Use256;

    public static TheoryData<string> Cases => new() { "micro", "micro-temperature", "macro", "rnn", "rnn-first-tanh" };

    private static IController Create(string name) => name switch
    {
        "micro" => new LstmController(new MicroSpace(3), new ControllerOptions { Hidden = 16 }, 7),
        "micro-temperature" => new LstmController(new MicroSpace(2),
            new ControllerOptions { Hidden = 16, Temperature = 5, TanhConstant = null, OpPrior = false }, 8),
        "macro" => new LstmController(new MacroSpace(5), ControllerOptions.ForMacro() with { Hidden = 16 }, 9),
        "rnn" => new RnnController(new RnnSpace(5), RnnController.DefaultOptions with { Hidden = 16 }, 10),
        "rnn-first-tanh" => new RnnController(new RnnSpace(4, firstNodeTanh: true),
            RnnController.DefaultOptions with { Hidden = 16 }, 11),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static string Line(string label, ControllerSample s)
    {
        double penalty = s.SkipPenalty is { } p ? p.Item() : double.NaN;
        return string.Create(CultureInfo.InvariantCulture,
            $"{label} [{string.Join(' ', s.Architecture.Tokens)}] lp={s.LogProb.Item():R} " +
            $"ent={s.EntropyValue:R} pen={penalty:R}");
    }

    /// <summary>The characterisation lines of one controller kind.</summary>
    private static List<string> Run(string name)
    {
        var lines = new List<string>();
        using var controller = Create(name);
        using var scope = TensorScope.Begin();
        var rng = new XoshiroRandom(21);
        using (Tape.NoGrad())
        {
            lines.Add(Line("greedy", controller.Sample(rng, greedy: true)));
            for (int i = 0; i < SamplesPerCase; i++) lines.Add(Line($"sample{i}", controller.Sample(rng)));
        }
        var options = controller is RnnController ? RnnController.DefaultOptions : new ControllerOptions();
        var trainer = new Reinforce(controller, options) { Baseline = 0.3 };
        using (var tape = Tape.Record())
        {
            var sample = controller.Sample(rng);
            lines.Add(Line("reinforce", sample));
            trainer.Accumulate(tape, sample, 0.7, 0.5);
        }
        double squares = 0, sum = 0;
        foreach (var p in controller.Parameters)
            if (p.Grad is { } g)
                foreach (float v in g.ToFloatArray()) { squares += (double)v * v; sum += v; }
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"grad norm={Math.Sqrt(squares):R} sum={sum:R}"));
        return lines;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DrawsTheCapturedArchitecturesAndGradients(string name)
    {
        var actual = Run(name);
        var text = new StringBuilder($"        [\"{name}\"] =\n        [\n");
        foreach (var line in actual) text.Append("            \"").Append(line).Append("\",\n");
        output.WriteLine(text.Append("        ],").ToString());
        var expected = ControllerCharacterisationData.Expected[name];
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++) AssertSameLine(expected[i], actual[i]);
    }

    /// <summary>Same words and tokens; numbers equal (or within 1e-5 relative on another SIMD width).</summary>
    private static void AssertSameLine(string expected, string actual)
    {
        var e = expected.Split(' ');
        var a = actual.Split(' ');
        Assert.True(e.Length == a.Length, $"expected '{expected}', got '{actual}'");
        for (int i = 0; i < e.Length; i++)
        {
            int eq = e[i].IndexOf('=');
            if (eq < 0 || SameWidthAsCapture)
            {
                Assert.True(e[i] == a[i], $"expected '{expected}', got '{actual}'");
                continue;
            }
            Assert.Equal(e[i][..eq], a[i][..eq]);
            double x = double.Parse(e[i][(eq + 1)..], CultureInfo.InvariantCulture);
            double y = double.Parse(a[i][(eq + 1)..], CultureInfo.InvariantCulture);
            Assert.True(double.IsNaN(x) ? double.IsNaN(y) : Math.Abs(x - y) <= 1e-5 * Math.Max(1, Math.Abs(x)),
                $"expected '{expected}', got '{actual}'");
        }
    }
}
