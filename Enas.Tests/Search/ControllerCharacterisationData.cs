namespace Enas.Tests.Search;

/// <summary>The lines <see cref="ControllerCharacterisationTests"/> captured from the controllers before the shared
/// decision helper (commit 58a7097, an AVX2 CPU); the test prints the lines it computes in this layout.</summary>
internal static class ControllerCharacterisationData
{
    public static readonly Dictionary<string, string[]> Expected = new()
    {
        ["micro"] =
        [
            "greedy [1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0] lp=-27.850826263427734 ent=31.233978271484375 pen=NaN",
            "sample0 [0 2 1 1 2 4 0 1 3 1 0 2 1 0 1 2 2 0 1 0 0 3 3 2] lp=-31.993331909179688 ent=31.23413848876953 pen=NaN",
            "sample1 [1 0 1 1 0 0 1 2 0 2 1 4 1 4 1 1 0 1 1 1 0 2 1 0] lp=-31.55364418029785 ent=31.234134674072266 pen=NaN",
            "sample2 [0 2 0 1 0 1 0 3 2 0 3 1 1 1 0 2 2 1 2 1 2 4 0 0] lp=-30.614120483398438 ent=31.234052658081055 pen=NaN",
            "reinforce [1 1 0 0 0 3 1 0 1 1 2 4 0 0 1 1 0 1 0 1 1 1 3 0] lp=-29.733959197998047 ent=31.233999252319336 pen=NaN",
            "grad norm=0.1744253034097833 sum=0.2779362401783596",
        ],
        ["micro-temperature"] =
        [
            "greedy [0 1 0 1 2 1 2 1 0 1 0 1 2 1 2 1] lp=-14.19061279296875 ent=16.890718460083008 pen=NaN",
            "sample0 [0 1 1 0 2 4 0 1 1 0 0 1 1 0 2 1] lp=-16.1909236907959 ent=16.890785217285156 pen=NaN",
            "sample1 [1 0 1 0 0 1 2 1 1 0 1 1 0 0 1 1] lp=-14.19091796875 ent=16.890764236450195 pen=NaN",
            "sample2 [0 1 0 3 2 3 1 1 0 0 0 0 0 1 1 0] lp=-18.190725326538086 ent=16.890779495239258 pen=NaN",
            "reinforce [0 1 0 1 0 1 0 1 1 0 1 1 2 0 0 1] lp=-14.190824508666992 ent=16.890750885009766 pen=NaN",
            "grad norm=0.12218815811956768 sum=-0.003243065126074411",
        ],
        ["macro"] =
        [
            "greedy [1 1 0 0 0 0 4 1 1 1 0 1 0 1 0] lp=-15.880385398864746 ent=15.890264511108398 pen=0.05104741454124451",
            "sample0 [0 4 1 1 1 0 5 0 1 0 2 1 1 1 0] lp=-15.887255668640137 ent=15.890263557434082 pen=0.051012612879276276",
            "sample1 [3 4 1 0 0 0 4 1 1 1 3 0 1 0 1] lp=-15.887852668762207 ent=15.890263557434082 pen=0.05106436461210251",
            "sample2 [1 4 0 1 1 1 4 1 1 0 0 0 0 0 0] lp=-15.885890007019043 ent=15.890263557434082 pen=0.0510527528822422",
            "reinforce [2 3 0 1 0 1 3 0 0 1 4 1 1 0 1] lp=-15.894290924072266 ent=15.890265464782715 pen=0.051064226776361465",
            "grad norm=0.01434208264110633 sum=0.014038118088963714",
        ],
        ["rnn"] =
        [
            "greedy [2 0 0 1 1 2 1 3 1] lp=-8.6994047164917 ent=9.67991828918457 pen=NaN",
            "sample0 [0 0 2 0 3 0 3 2 3] lp=-11.034637451171875 ent=9.679953575134277 pen=NaN",
            "sample1 [0 0 2 1 3 1 2 3 2] lp=-9.200180053710938 ent=9.679956436157227 pen=NaN",
            "sample2 [0 0 0 1 3 2 2 3 0] lp=-8.700174331665039 ent=9.679915428161621 pen=NaN",
            "reinforce [2 0 2 0 2 1 1 3 3] lp=-9.699960708618164 ent=9.679986953735352 pen=NaN",
            "grad norm=0.003103478247985326 sum=0.0012809331846027371",
        ],
        ["rnn-first-tanh"] =
        [
            "greedy [0 0 1 1 1 2 3] lp=-5.2586798667907715 ent=5.797872543334961 pen=NaN",
            "sample0 [0 0 3 1 1 2 0] lp=-5.259199142456055 ent=5.79786491394043 pen=NaN",
            "sample1 [0 0 1 1 0 1 2] lp=-5.758805274963379 ent=5.797872543334961 pen=NaN",
            "sample2 [0 0 3 0 2 2 2] lp=-5.759357452392578 ent=5.797868251800537 pen=NaN",
            "reinforce [0 0 0 0 3 2 2] lp=-5.758909225463867 ent=5.7978515625 pen=NaN",
            "grad norm=0.0014390149784393937 sum=-0.0025714637504705273",
        ],
    };
}
