using Enas.Engine;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Search.Network;

/// <summary>Stem (3×3 conv to 3C + BN), L+2 micro cells (search or final style), optional auxiliary head, classifier.</summary>
internal sealed class MicroNetwork : ChildNetwork
{
    private ConvBn _stem = null!;
    private IMicroCell[] _cells = [];
    private AuxHead? _aux;
    private int _auxAfter = -1;
    private Parameter _fc = null!;
    private double _dropoutKeep;

    /// <summary>
    /// Builds (or, with <paramref name="arch"/> null, only declares every weight of) a micro network.
    /// Returns null in declare mode.
    /// </summary>
    public static MicroNetwork? Build(MicroSpace space, Architecture? arch, NetworkOptions o, IWeightSource source, Device device)
    {
        var rec = new RecordingSource(source);
        MicroCell? normal = arch is null ? null : space.Cell(arch, reduce: false);
        MicroCell? reduce = arch is null ? null : space.Cell(arch, reduce: true);
        var stem = new ConvBn(rec, new WeightKey("stem", -1, null, "conv"), o.InputChannels, 3 * o.Channels, 3, false, false);
        var reductions = o.MicroReductionCells();
        int total = o.Layers + 2, width = o.Channels;
        var pp = new FeatureShape(3 * o.Channels, o.ImageSize);
        var p = pp;
        if (o.Style == NetworkStyle.Final && arch is null)
            throw new InvalidOperationException("the shared weight bank declares search cells; final cells are built for one architecture");
        var cells = new IMicroCell[total];
        for (int l = 0; l < total; l++)
        {
            bool isReduction = reductions.Contains(l);
            if (isReduction) width *= 2;
            double keep = o.DropPathKeep >= 1 ? 1 : 1 - (l + 1.0) / total * (1 - o.DropPathKeep);
            cells[l] = o.Style == NetworkStyle.Final
                ? new MicroFinalCell(rec, device, l, isReduction, width, pp, p, isReduction ? reduce! : normal!, keep)
                : new MicroCellNet(rec, device, l, isReduction, width, space.Nodes, pp, p, isReduction ? reduce : normal, keep);
            (pp, p) = (p, cells[l].Output);
        }
        int features = p.Channels;
        var fc = rec.Get(new WeightKey("head", -1, null, "fc"), new Shape(o.Classes, features), WeightInit.HeNormal, features);
        AuxHead? aux = null;
        int auxAfter = reductions[^1] + 1;
        if (o.AuxHead && auxAfter < total)
        {
            rec.Excluding = true;
            aux = new AuxHead(rec, cells[auxAfter].Output, o.Classes);
            rec.Excluding = false;
        }
        if (arch is null) return null;
        return new MicroNetwork
        {
            Architecture = arch,
            Parameters = rec.Used,
            ParameterCount = rec.Used.Sum(x => x.ElementCount) - rec.ExcludedCount,
            _stem = stem, _cells = cells, _aux = aux, _auxAfter = auxAfter, _fc = fc, _dropoutKeep = o.DropoutKeep,
        };
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
