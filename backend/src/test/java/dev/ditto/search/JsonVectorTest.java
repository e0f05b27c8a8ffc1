package dev.ditto.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

class JsonVectorTest {
    private final ObjectMapper json = JsonMapper.builder().build();

    @Test
    void writesEachComponentAsItsSixDecimalRounding() {
        Random random = new Random(7);
        char[] buf = new char[24];
        for (int i = 0; i < 200_000; i++) {
            float v = i % 3 == 0 ? (float) random.nextGaussian() * 3 : random.nextFloat() * 2 - 1;
            String written = new String(buf, 0, JsonVector.format(v, buf));
            BigDecimal expected = new BigDecimal(v).setScale(6, RoundingMode.HALF_UP);
            assertThat(new BigDecimal(written)).as("%s written as %s", v, written).isEqualByComparingTo(expected);
            assertThat(Math.abs(Double.parseDouble(written) - v)).isLessThanOrEqualTo(5.0000001e-7);
        }
    }

    @Test
    void edgeValuesAreValidJsonNumbers() {
        char[] buf = new char[24];
        assertThat(new String(buf, 0, JsonVector.format(0f, buf))).isEqualTo("0");
        assertThat(new String(buf, 0, JsonVector.format(-0f, buf))).isEqualTo("0");
        assertThat(new String(buf, 0, JsonVector.format(-4e-7f, buf))).isEqualTo("0");
        assertThat(new String(buf, 0, JsonVector.format(-6e-7f, buf))).isEqualTo("-0.000001");
        assertThat(new String(buf, 0, JsonVector.format(1f, buf))).isEqualTo("1");
        assertThat(new String(buf, 0, JsonVector.format(-0.5f, buf))).isEqualTo("-0.5");
        assertThat(new String(buf, 0, JsonVector.format(0.0625f, buf))).isEqualTo("0.0625");
        assertThat(new String(buf, 0, JsonVector.format(12.345678f, buf))).isEqualTo("12.345678");
        assertThatThrownBy(() -> JsonVector.format(Float.NaN, buf)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDocumentSerialisesItAsAnArrayOfNumbers() {
        float[] v = VectorMath.normalised(new float[] {0.3f, -0.2f, 0.9f, 1e-9f});
        JsonNode doc = json.readTree(json.writeValueAsString(Map.of("vector", new JsonVector(v))));
        JsonNode array = doc.get("vector");
        assertThat(array.isArray()).isTrue();
        assertThat(array.size()).isEqualTo(4);
        for (int i = 0; i < v.length; i++) {
            assertThat(array.get(i).isNumber()).isTrue();
            assertThat(array.get(i).asDouble()).isCloseTo(v[i], org.assertj.core.data.Offset.offset(5.0000001e-7));
        }
    }
}
