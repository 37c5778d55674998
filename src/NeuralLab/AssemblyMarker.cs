namespace NeuralLab; internal static class AssemblyMarker { }
