package dev.ditto.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class InstructionTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"N/A", "NA", "null", "NULL", "None", "nan", "NaN", "", "   ", "#N/A", "<NA>", "n/a"})
    void refusesTextPandasReadsAsMissing(String text) {
        assertThatThrownBy(() -> InstructionText.validate(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("instruction text");
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "-3.5", "1e6", ".5", "+7", "inf", "True", "0x1F", "12."})
    void refusesBareNumbersAndBooleans(String text) {
        assertThatThrownBy(() -> InstructionText.validate(text))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNullAndLineBreaks() {
        assertThatThrownBy(() -> InstructionText.validate(null)).hasMessageContaining("missing");
        assertThatThrownBy(() -> InstructionText.validate("Make it snow.\nNow")).hasMessageContaining("line");
    }

    @Test
    void acceptsAndTrimsARealInstruction() {
        assertThat(InstructionText.validate("  Turn the street into an oil painting. ")).isEqualTo("Turn the street into an oil painting.");
        assertThat(InstructionText.isValid("Add 3 birds to the sky")).isTrue();
        assertThat(InstructionText.isValid("None of the cars should change; make it night")).isTrue();
    }
}
