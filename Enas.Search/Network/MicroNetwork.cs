using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>Where a micro cell sits: its index among the L+2 cells, whether it reduces, its width, the shapes of its
/// two inputs and its drop-path keep probability.</summary>
internal readonly record struct MicroCellSite(int Index, bool Reduction, int Width, FeatureShape PrevPrev,
    FeatureShape Prev, double DropPathKeep);

/// <summary>Stem (3×3 conv to 3C + BN), L+2 micro cells (search or final style), optional auxiliary head, classifier.</summary>
internal sealed class MicroNetwork : ChildNetwork
{
    private ConvBn _stem = null!;
    private IMicroCell[] _cells = [];
    private AuxHead? _aux;
    private int _auxAfter = -1;
    private Parameter _fc = null!;
    private double _dropoutKeep;

    /// <summary>Builds the micro network of <paramref name="arch"/> with weights from <paramref name="source"/>.</summary>
    public static MicroNetwork Build(MicroSpace space, Architecture arch, NetworkOptions o, IWeightSource source, Device device)
    {
        var rec = new RecordingSource(source);
        MicroCell normal = space.Cell(arch, reduce: false), reduce = space.Cell(arch, reduce: true);
        var stem = Stem(rec, o);
        var cells = new IMicroCell[o.Layers + 2];
        var outputs = Walk(o, s => (cells[s.Index] = o.Style == NetworkStyle.Final
            ? new MicroFinalCell(rec, device, s.Index, s.Reduction, s.Width, s.PrevPrev, s.Prev, s.Reduction ? reduce : normal, s.DropPathKeep)
            : new MicroCellNet(rec, device, s.Index, s.Reduction, s.Width, s.PrevPrev, s.Prev, s.Reduction ? reduce : normal, s.DropPathKeep)).Output);
        var (fc, aux, auxAfter) = Classifiers(rec, o, outputs);
        return new MicroNetwork
        {
            Architecture = arch,
            Parameters = rec.Used,
            ParameterCount = rec.Used.Sum(x => x.ElementCount) - rec.ExcludedCount,
            _stem = stem, _cells = cells, _aux = aux, _auxAfter = auxAfter, _fc = fc, _dropoutKeep = o.DropoutKeep,
        };
    }

    /// <summary>Declares in <paramref name="bank"/> every weight a micro search network of <paramref name="space"/> can
    /// use, in the bank's order: stem, each cell's (<see cref="MicroCellNet.Declare"/>), classifier, auxiliary head.</summary>
    public static void Declare(MicroSpace space, NetworkOptions o, IWeightSource bank, Device device)
    {
        if (o.Style == NetworkStyle.Final)
            throw new InvalidOperationException("the shared weight bank declares search cells; final cells are built for one architecture");
        _ = Stem(bank, o);
        var outputs = Walk(o, s => MicroCellNet.Declare(bank, device, s.Index, s.Reduction, s.Width, space.Nodes, s.PrevPrev, s.Prev));
        _ = Classifiers(new RecordingSource(bank), o, outputs);
    }

    private static ConvBn Stem(IWeightSource source, NetworkOptions o) =>
        new(source, new WeightKey("stem", -1, null, "conv"), o.InputChannels, 3 * o.Channels, 3, false, false);

    /// <summary>Walks the L+2 cells in order; <paramref name="place"/> creates cell <c>site.Index</c> and returns its
    /// output shape. Returns every cell's output shape.</summary>
    private static FeatureShape[] Walk(NetworkOptions o, Func<MicroCellSite, FeatureShape> place)
    {
        var reductions = o.MicroReductionCells();
        int total = o.Layers + 2, width = o.Channels;
        var pp = new FeatureShape(3 * o.Channels, o.ImageSize);
        var p = pp;
        var outputs = new FeatureShape[total];
        for (int l = 0; l < total; l++)
        {
            bool isReduction = reductions.Contains(l);
            if (isReduction) width *= 2;
            double keep = o.DropPathKeep >= 1 ? 1 : 1 - (l + 1.0) / total * (1 - o.DropPathKeep);
            outputs[l] = place(new MicroCellSite(l, isReduction, width, pp, p, keep));
            (pp, p) = (p, outputs[l]);
        }
        return outputs;
    }

    /// <summary>The classifier on the last cell's output and, when asked for, the auxiliary head after the second
    /// reduction (its weights counted as excluded).</summary>
    private static (Parameter Fc, AuxHead? Aux, int AuxAfter) Classifiers(RecordingSource rec, NetworkOptions o,
        FeatureShape[] outputs)
    {
        int features = outputs[^1].Channels;
        var fc = rec.Get(new WeightKey("head", -1, null, "fc"), new Shape(o.Classes, features), WeightInit.HeNormal, features);
        AuxHead? aux = null;
        int auxAfter = o.MicroReductionCells()[^1] + 1;
        if (o.AuxHead && auxAfter < outputs.Length)
        {
            rec.Excluding = true;
            aux = new AuxHead(rec, outputs[auxAfter], o.Classes);
            rec.Excluding = false;
        }
        return (fc, aux, auxAfter);
    }

    /// <inheritdoc />
    public override ChildOutput Forward(Tensor images, ForwardContext ctx)
    {
        var s = _stem.Forward(images, ctx);
        Tensor pp = s, p = s;
        Tensor? auxLogits = null;
        for (int l = 0; l < _cells.Length; l++)
        {
            var y = _cells[l].Forward(pp, p, ctx);
            (pp, p) = (p, y);
            if (_aux is not null && l == _auxAfter && ctx.Training) auxLogits = _aux.Forward(p, ctx);
        }
        return new ChildOutput(Head(p, _fc, _dropoutKeep, ctx, relu: true), auxLogits);
    }
}
