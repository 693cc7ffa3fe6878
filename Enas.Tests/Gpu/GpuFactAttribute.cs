using Enas.Kernels.Gpu;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Enas.Tests.Gpu;

/// <summary>Marks a parity test class whose tests need a CUDA device (see <see cref="GpuFactAttribute"/>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresCudaAttribute : Attribute;

/// <summary>
/// A [Fact] for the shared GPU parity tests. At discovery time, when the concrete test class carries
/// <see cref="RequiresCudaAttribute"/> and ILGPU sees no CUDA device, the test is reported as skipped with the reason
/// (so the CUDA subclass shows up as skipped, not as passed, on machines without a GPU).
/// </summary>
[XunitTestCaseDiscoverer("Enas.Tests.Gpu.GpuFactDiscoverer", "Enas.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class GpuFactAttribute : FactAttribute;

/// <summary>Discoverer behind <see cref="GpuFactAttribute"/>.</summary>
public sealed class GpuFactDiscoverer : IXunitTestCaseDiscoverer
{
    private readonly IMessageSink _sink;

    public GpuFactDiscoverer(IMessageSink diagnosticMessageSink) => _sink = diagnosticMessageSink;

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions,
        ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        string? skip = factAttribute.GetNamedArgument<string>("Skip");
        if (skip is null && testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresCudaAttribute)).Any())
        {
            GpuRuntime.Initialize();
            if (GpuRuntime.CudaDeviceCount == 0)
                skip = "no CUDA device: ILGPU saw 0 CUDA devices (the same cases run on ILGPU's CPU accelerator in IlgpuCpuParityTests)";
        }
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        yield return skip is null
            ? new XunitTestCase(_sink, display, displayOptions, testMethod)
            : new XunitSkippedDataRowTestCase(_sink, display, displayOptions, testMethod, skip);
    }
}
