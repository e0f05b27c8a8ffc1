package dev.ditto.runner.clip;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes tiny ONNX models as protobuf bytes, field by field (onnx.proto3: ModelProto, GraphProto, NodeProto, …), so
 * the CLIP code is tested on real ONNX Runtime sessions without shipping a model. Two towers of a 3-dimensional
 * "CLIP": the vision model's embedding is each colour channel's mean of {@code pixel_values}; the text model's is
 * the mean over the context of a fixed embedding table's rows for {@code input_ids}.
 */
final class TinyOnnx {
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int ATTRIBUTE_INTS = 7;
    private static final int ATTRIBUTE_INT = 2;

    private TinyOnnx() {}

    /** {@code pixel_values} float [1, 3, size, size] → {@code image_embeds} [1, 3] = ReduceMean over H and W. */
    static byte[] vision(int size) {
        byte[] node = node(List.of("pixel_values"), "image_embeds", "ReduceMean",
                attribute("axes", List.of(2L, 3L)), attributeInt("keepdims", 0));
        byte[] graph = cat(field(1, node), string(2, "tiny_clip_vision"),
                field(11, valueInfo("pixel_values", FLOAT, new long[] {1, 3, size, size})),
                field(12, valueInfo("image_embeds", FLOAT, new long[] {1, 3})));
        return model(graph);
    }

    /**
     * {@code input_ids} int64 [1, context] → {@code text_embeds} [1, 3] = mean over the context of
     * {@code table[input_ids]}, {@code table} a [vocab, 3] initializer.
     */
    static byte[] text(int context, float[][] table) {
        ByteBuffer raw = ByteBuffer.allocate(table.length * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : table) {
            for (float v : row) {
                raw.putFloat(v);
            }
        }
        byte[] initializer = cat(varintField(1, table.length), varintField(1, 3), varintField(2, FLOAT),
                string(8, "table"), bytes(9, raw.array()));
        byte[] gather = node(List.of("table", "input_ids"), "gathered", "Gather", attributeInt("axis", 0));
        byte[] mean = node(List.of("gathered"), "text_embeds", "ReduceMean",
                attribute("axes", List.of(1L)), attributeInt("keepdims", 0));
        byte[] graph = cat(field(1, gather), field(1, mean), string(2, "tiny_clip_text"), field(5, initializer),
                field(11, valueInfo("input_ids", INT64, new long[] {1, context})),
                field(12, valueInfo("text_embeds", FLOAT, new long[] {1, 3})));
        return model(graph);
    }

    private static byte[] model(byte[] graph) {
        byte[] opset = cat(string(1, ""), varintField(2, 13));
        return cat(varintField(1, 7), string(2, "ditto-test"), field(7, graph), field(8, opset));
    }

    private static byte[] node(List<String> inputs, String output, String op, byte[]... attributes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        inputs.forEach(i -> out.writeBytes(string(1, i)));
        out.writeBytes(string(2, output));
        out.writeBytes(string(3, op + "_" + output));
        out.writeBytes(string(4, op));
        for (byte[] a : attributes) {
            out.writeBytes(field(5, a));
        }
        return out.toByteArray();
    }

    private static byte[] attribute(String name, List<Long> ints) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(string(1, name));
        ints.forEach(i -> out.writeBytes(varintField(8, i)));
        out.writeBytes(varintField(20, ATTRIBUTE_INTS));
        return out.toByteArray();
    }

    private static byte[] attributeInt(String name, long value) {
        return cat(string(1, name), varintField(3, value), varintField(20, ATTRIBUTE_INT));
    }

    private static byte[] valueInfo(String name, int elemType, long[] dims) {
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        for (long d : dims) {
            shape.writeBytes(field(1, varintField(1, d)));
        }
        byte[] tensor = cat(varintField(1, elemType), field(2, shape.toByteArray()));
        return cat(string(1, name), field(2, field(1, tensor)));
    }

    private static byte[] string(int number, String value) {
        return bytes(number, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] field(int number, byte[] message) {
        return bytes(number, message);
    }

    private static byte[] bytes(int number, byte[] value) {
        return cat(varint(((long) number << 3) | 2), varint(value.length), value);
    }

    private static byte[] varintField(int number, long value) {
        return cat(varint((long) number << 3), varint(value));
    }

    private static byte[] varint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
