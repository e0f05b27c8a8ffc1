package dev.ditto.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {
    @Test
    void everyOptionIsParsed() {
        RunnerOptions o = RunnerOptions.parse(new String[] {"--server", "http://ditto:8080", "--token", "t",
                "--concurrency", "3", "--work-dir", "/tmp/w", "--stages", "probe", "--name", "gpu-7",
                "--models-dir=/models", "--engine", "comfyui", "--comfyui-url", "http://127.0.0.1:8188",
                "--clip-model", "/models/clip-vit-b32"}, Map.of());
        assertThat(o.server().toString()).isEqualTo("http://ditto:8080");
        assertThat(o.concurrency()).isEqualTo(3);
        assertThat(o.workDir()).isEqualTo(Path.of("/tmp/w"));
        assertThat(o.stages()).isEqualTo(Set.of("probe"));
        assertThat(o.name()).isEqualTo("gpu-7");
        assertThat(o.modelsDir()).isEqualTo(Path.of("/models"));
        assertThat(o.engine()).isEqualTo("comfyui");
        assertThat(o.clipModel()).isEqualTo(Path.of("/models/clip-vit-b32"));
    }

    @Test
    void tokenMayComeFromTheEnvironment() {
        RunnerOptions o = RunnerOptions.parse(new String[] {"--server", "http://ditto:8080"},
                Map.of("DITTO_RUNNER_TOKEN", "secret"));
        assertThat(o.token()).isEqualTo("secret");
        assertThat(o.stages()).containsExactlyInAnyOrder("probe", "generate");
    }

    @Test
    void mistakesAreExplained() {
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"--token", "t"}, Map.of()))
                .hasMessageContaining("--server is required");
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"--server", "ditto", "--token", "t"}, Map.of()))
                .hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"--server", "http://d", "--token", "t",
                "--concurrency", "0"}, Map.of())).hasMessageContaining("positive whole number");
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"--server", "http://d", "--token", "t",
                "--stages", "probe,train"}, Map.of())).hasMessageContaining("'train'");
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"--server", "http://d", "--token", "t",
                "--engine", "comfyui"}, Map.of())).hasMessageContaining("--comfyui-url");
    }

    @Test
    void helpNeedsNothingElse() {
        assertThat(RunnerOptions.parse(new String[] {"--help"}, Map.of()).help()).isTrue();
        assertThat(RunnerOptions.USAGE).contains("--server", "--token", "--concurrency", "--work-dir", "--stages");
    }
}
