package dev.ditto.search;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JacksonSerializable;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.jsontype.TypeSerializer;

/**
 * A unit vector as a search document writes it: each component in fixed point with {@link #DECIMALS} decimals
 * (absolute error at most 5e-7, below float32's own resolution near 1, which Elasticsearch stores). Jackson's
 * shortest-round-trip float formatting of the 768 components of a document was half of the indexer's CPU; this writes
 * the digits directly.
 */
final class JsonVector implements JacksonSerializable {
    static final int DECIMALS = 6;
    private static final int SCALE = 1_000_000;

    private final float[] values;

    JsonVector(float[] values) {
        this.values = values;
    }

    float[] values() {
        return values;
    }

    @Override
    public void serialize(JsonGenerator gen, SerializationContext ctxt) {
        gen.writeStartArray(this, values.length);
        char[] buf = new char[24];
        for (float v : values) {
            gen.writeNumber(buf, 0, format(v, buf));
        }
        gen.writeEndArray();
    }

    @Override
    public void serializeWithType(JsonGenerator gen, SerializationContext ctxt, TypeSerializer typeSer) {
        serialize(gen, ctxt);
    }

    /** {@code v} in fixed point with six decimals into {@code buf}; returns the length. Non-finite values are refused. */
    static int format(float v, char[] buf) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("a vector component is " + v);
        }
        long scaled = Math.round(Math.abs((double) v) * SCALE); // half away from zero, as BigDecimal's HALF_UP
        int n = 0;
        if (v < 0 && scaled != 0) {
            buf[n++] = '-';
        }
        long whole = scaled / SCALE;
        int fraction = (int) (scaled % SCALE);
        String w = Long.toString(whole);
        w.getChars(0, w.length(), buf, n);
        n += w.length();
        if (fraction == 0) {
            return n;
        }
        buf[n++] = '.';
        int digits = DECIMALS;
        while (fraction % 10 == 0) { // no trailing zeros
            fraction /= 10;
            digits--;
        }
        for (int i = n + digits - 1; i >= n; i--) {
            buf[i] = (char) ('0' + fraction % 10);
            fraction /= 10;
        }
        return n + digits;
    }
}
