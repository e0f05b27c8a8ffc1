package dev.ditto.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendSettingsTest {
    @Test
    void pairsAreReadInOrderFromSemicolonsAndLinesAndWrittenBackInOneForm() {
        Map<String, String> s = BackendSettings.parse(" route = chain;\nvace.steps=20 ; enhance=false;;");
        assertThat(s).containsExactly(Map.entry("route", "chain"), Map.entry("vace.steps", "20"), Map.entry("enhance", "false"));
        assertThat(BackendSettings.format(s)).isEqualTo("route=chain; vace.steps=20; enhance=false");
        assertThat(BackendSettings.parse("")).isEmpty();
    }

    @Test
    void eachMistakeSaysWhatToFix() {
        assertThatThrownBy(() -> BackendSettings.parse("route")).hasMessageContaining("'route' is not key=value");
        assertThatThrownBy(() -> BackendSettings.parse("Route=chain")).hasMessageContaining("'Route' is not a setting name");
        assertThatThrownBy(() -> BackendSettings.parse("route=fast")).hasMessageContaining("route must be one of");
        assertThatThrownBy(() -> BackendSettings.parse("enhance=yes")).hasMessageContaining("enhance must be true or false");
        assertThatThrownBy(() -> BackendSettings.parse("vace.steps=1; vace.steps=2")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> BackendSettings.parse("vace.steps=")).hasMessageContaining("has no value");
    }
}
