using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralLab.Common;

/// <summary>
/// Four of libLibTorchSharp's own entry points, called without the managed objects TorchSharp's API makes for them on
/// every call: a tensor's data pointer (<c>storage&lt;T&gt;()</c> makes a storage alias, ~200 B), the data pointer of a
/// parameter's gradient (the <c>grad</c> getter makes a new handle, 160 B, that some scope or a finalizer must free), and
/// autograd's grad mode (<c>no_grad()</c> makes an object). Why: at the homework's batch of 64 a step is about a
/// millisecond, and the ~6 KB of such objects each step made gen-0 fill with garbage that only a forced collection
/// emptied (docs/engine.md, "Small steps"); the steps that use these make no managed allocation at all. The entry
/// points are TorchSharp 0.107's (<c>THSTensor_data</c>, <c>THSTensor_grad</c>, <c>THSTensor_dispose</c>,
/// <c>THSAutograd_isGradEnabled</c>/<c>setGrad</c>), taken from the library TorchSharp itself loaded (by its soname),
/// never a second copy.
/// </summary>
internal static unsafe class NativeTensor
{
    static readonly delegate* unmanaged<IntPtr, IntPtr> s_data, s_grad;
    static readonly delegate* unmanaged<IntPtr, void> s_dispose;
    static readonly delegate* unmanaged<byte> s_isGradEnabled;
    static readonly delegate* unmanaged<byte, void> s_setGrad;

    static NativeTensor()
    {
        RuntimeHelpers.RunClassConstructor(typeof(torch).TypeHandle); // TorchSharp loads its native library first
        var library = NativeLibrary.Load("libLibTorchSharp.so");
        s_data = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(library, "THSTensor_data");
        s_grad = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(library, "THSTensor_grad");
        s_dispose = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(library, "THSTensor_dispose");
        s_isGradEnabled = (delegate* unmanaged<byte>)NativeLibrary.GetExport(library, "THSAutograd_isGradEnabled");
        s_setGrad = (delegate* unmanaged<byte, void>)NativeLibrary.GetExport(library, "THSAutograd_setGrad");
    }

    /// <summary>The address of <paramref name="tensor"/>'s first element (its storage's data plus its offset), as
    /// <c>Tensor.data_ptr()</c> in PyTorch.</summary>
    public static IntPtr Data(Tensor tensor) => s_data(tensor.Handle);

    /// <summary>The address of the first element of <paramref name="parameter"/>'s gradient, or zero when it has none.
    /// The native handle <c>THSTensor_grad</c> makes is freed here, at once.</summary>
    public static IntPtr GradientData(Tensor parameter)
    {
        IntPtr gradient = s_grad(parameter.Handle);
        if (gradient == IntPtr.Zero) return IntPtr.Zero;
        IntPtr data = s_data(gradient);
        s_dispose(gradient);
        return data;
    }

    /// <summary>The value of a one-element float32 CPU tensor (<c>item&lt;float&gt;()</c> makes an accessor object).</summary>
    public static float Single(Tensor tensor) =>
        tensor.dtype == ScalarType.Float32 && tensor.device_type == DeviceType.CPU && tensor.numel() == 1 ? *(float*)Data(tensor) : tensor.item<float>();

    /// <summary>Autograd off on this thread until disposed, then the previous mode, as <c>torch.no_grad()</c>.</summary>
    public static GradModeScope NoGrad()
    {
        bool previous = s_isGradEnabled() != 0;
        s_setGrad(0);
        return new GradModeScope(previous);
    }

    /// <summary>Restores autograd's previous mode (<see cref="NoGrad"/>).</summary>
    public readonly struct GradModeScope : IDisposable
    {
        readonly bool _previous;

        internal GradModeScope(bool previous) => _previous = previous;

        public void Dispose() => s_setGrad(_previous ? (byte)1 : (byte)0);
    }
}
