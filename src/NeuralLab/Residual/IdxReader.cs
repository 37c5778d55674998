using System.Buffers.Binary;
using NeuralLab.Common;

namespace NeuralLab.Residual;

/// <summary>
/// MNIST's IDX format (LeCun et al., http://yann.lecun.com/exdb/mnist/): big-endian int32 header —
/// magic 0x00000803 (unsigned bytes, 3 dimensions), count, rows, columns — then the pixels; labels
/// are magic 0x00000801, count, then one byte each. The header is checked against the bytes actually
/// present before anything is sized from it.
/// </summary>
internal static class IdxReader
{
    const int ImagesMagic = 0x00000803, LabelsMagic = 0x00000801;

    public static DigitsData Parse(byte[] images, string imagesName, byte[] labels, string labelsName)
    {
        var (count, rows, columns) = ImageHeader(images, imagesName);
        int labelCount = LabelHeader(labels, labelsName);
        if (labelCount != count)
            throw new BadInputException($"'{labelsName}' holds {labelCount} labels but '{imagesName}' holds {count} images");
        int side = DigitsReader.Side;
        var pixels = new float[(long)count * side * side];
        var labelArray = new int[count];
        var image = new float[rows * columns];
        for (int n = 0; n < count; n++)
        {
            int label = labels[8 + n];
            if (label >= DigitsData.Classes)
                throw new BadInputException($"'{labelsName}' row {n + 1}: label {label} is not a class 0..9");
            labelArray[n] = label;
            int offset = 16 + n * rows * columns;
            for (int i = 0; i < image.Length; i++) image[i] = images[offset + i] / 255f;
            BoxFilter.Resize(image, rows, columns, side, side).CopyTo(pixels, (long)n * side * side);
        }
        return new DigitsData(pixels, labelArray, side, side, imagesName);
    }

    /// <summary>A labels file given where images belong gets its own message, before any search for labels.</summary>
    public static void RefuseLabelsAsImages(byte[] bytes, string name)
    {
        if (bytes.Length >= 4 && BinaryPrimitives.ReadInt32BigEndian(bytes) == LabelsMagic)
            throw new BadInputException($"'{name}' header: this is an IDX labels file; pass the images to --data and this file to --labels");
    }

    static (int Count, int Rows, int Columns) ImageHeader(byte[] bytes, string name)
    {
        if (bytes.Length < 16) throw new BadInputException($"'{name}' header: {bytes.Length} bytes, an IDX image header needs 16");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        RefuseLabelsAsImages(bytes, name);
        if (magic != ImagesMagic)
            throw new BadInputException($"'{name}' header: magic 0x{magic:X8}, expected 0x00000803 (IDX unsigned-byte images, 3 dimensions)");
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int columns = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        if (count < 2 || rows < 1 || columns < 1)
            throw new BadInputException($"'{name}' header: {count} images of {rows}×{columns}; a train/test split needs at least 2 images of at least 1×1");
        long claimed = 16 + (long)count * rows * columns;
        if (claimed != bytes.Length)
            throw new BadInputException($"'{name}' header: claims {count} images of {rows}×{columns} ({claimed} bytes) but the file holds {bytes.Length} bytes");
        return (count, rows, columns);
    }

    static int LabelHeader(byte[] bytes, string name)
    {
        if (bytes.Length < 8) throw new BadInputException($"'{name}' header: {bytes.Length} bytes, an IDX label header needs 8");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != LabelsMagic)
            throw new BadInputException($"'{name}' header: magic 0x{magic:X8}, expected 0x00000801 (IDX unsigned-byte labels)");
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        long claimed = 8 + (long)count;
        if (count < 0 || claimed != bytes.Length)
            throw new BadInputException($"'{name}' header: claims {count} labels ({claimed} bytes) but the file holds {bytes.Length} bytes");
        return count;
    }
}
