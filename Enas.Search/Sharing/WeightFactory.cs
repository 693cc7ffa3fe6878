using Enas.Engine;
using Enas.Search.Util;

namespace Enas.Search.Sharing;

/// <summary>Creates initialised parameters from a seeded generator.</summary>
internal static class WeightFactory
{
    public static Parameter Create(WeightKey key, Shape shape, WeightInit init, int fanIn, XoshiroRandom rng, Device device)
    {
        var data = new float[shape.ElementCount];
        switch (init)
        {
            case WeightInit.HeNormal:
                double std = Math.Sqrt(2.0 / Math.Max(1, fanIn));
                for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextGaussian() * std);
                break;
            case WeightInit.Ones:
                Array.Fill(data, 1f);
                break;
            case WeightInit.Zeros:
                break;
        }
        return Parameter.Create<float>(key.ToString(), shape, data, device);
    }
}
