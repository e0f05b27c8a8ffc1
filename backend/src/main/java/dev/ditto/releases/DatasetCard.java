package dev.ditto.releases;

import java.util.Map;

/**
 * The dataset card ({@code README.md}): Hub YAML front matter (licence, task categories, size category, configs
 * pointing at the CSV and the metadata JSON) followed by generated statistics and the release notes' diff.
 */
final class DatasetCard {
    private DatasetCard() {}

    static String render(ReleaseFilesWriter.Target target, ReleaseStats stats, ReleaseProperties properties) {
        StringBuilder md = new StringBuilder();
        md.append("---\n");
        md.append("license: ").append(yamlScalar(properties.license())).append('\n');
        md.append("task_categories:\n- text-to-video\n");
        md.append("tags:\n- video-editing\n- instruction-based-editing\n- synthetic\n");
        md.append("size_categories:\n- ").append(sizeCategory(stats.samples())).append('\n');
        md.append("pretty_name: ").append(yamlScalar(target.name() + " " + target.version())).append('\n');
        md.append("configs:\n");
        md.append("- config_name: default\n  data_files:\n  - split: train\n    path: ")
                .append(yamlScalar(DatasetLayout.csvPath(target.name()))).append('\n');
        md.append("- config_name: training_metadata\n  data_files:\n  - split: train\n    path: ")
                .append(yamlScalar(DatasetLayout.metadataPath(target.name()))).append('\n');
        boolean sim2real = target.sim2real() != null;
        if (sim2real) {
            md.append("- config_name: sim2real\n  data_files:\n  - split: train\n    path: ")
                    .append(yamlScalar(DatasetLayout.sim2realCsvPath(target.name()))).append('\n');
            md.append("- config_name: sim2real_metadata\n  data_files:\n  - split: train\n    path: ")
                    .append(yamlScalar(DatasetLayout.sim2realMetadataPath(target.name()))).append('\n');
        }
        md.append("---\n\n");
        md.append("# ").append(target.name()).append(" ").append(target.version()).append("\n\n");
        md.append("Instruction-based video editing triplets (source video, instruction, edited video), laid out like ")
                .append("Ditto-1M and ready for DiffSynth-Studio's Wan/VACE training.\n\n");
        md.append("## Layout\n\n");
        md.append("- `videos/<category>/<category>-NNNNN.tar` and `videos/source/source-NNNNN.tar`: uncompressed tar ")
                .append("shards. Extract each inside `videos/`; they produce the paths the CSV and the metadata name.\n");
        md.append("- `").append(DatasetLayout.csvPath(target.name())).append("`: columns `video` (edited target), ")
                .append("`vace_video` (source), `prompt` (instruction)")
                .append(", optionally `vace_reference_image` (edited key frame); paths relative to `videos/` ")
                .append("(use it as `--dataset_base_path`).\n");
        md.append("- `").append(DatasetLayout.metadataPath(target.name())).append("`: one record per sample with ")
                .append("`source_path`, `instruction`, `edited_path`, ids, judge scores, verdict and provenance.\n");
        if (sim2real) {
            md.append("- `").append(DatasetLayout.sim2realCsvPath(target.name())).append("` and `")
                    .append(DatasetLayout.sim2realMetadataPath(target.name())).append("`: the sim2real subset, as in ")
                    .append("Ditto-1M: the reverse pairs of the ").append(String.join(", ", target.sim2real().categories()))
                    .append(" samples, the stylised video as the condition (`vace_video`, `source_path`) and the real ")
                    .append("source as the target (`video`, `edited_path`), with the instruction \"")
                    .append(target.sim2real().prompt().replace("\"", "'"))
                    .append("\". They name the same files as the forward pairs: no video is stored twice.\n");
        }
        md.append("- `manifest.json`: every file and shard with size and sha256, and the samples inside each shard; ")
                .append("samples removed since the previous version under `removed_samples`.\n");
        md.append("- `stats.json`: the statistics below.\n\n");
        md.append("Every clip is ").append(stats.width()).append("x").append(stats.height()).append(" with ")
                .append(stats.frames()).append(" frames.\n\n");
        md.append("## Statistics\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| samples | ").append(stats.samples()).append(" |\n");
        md.append("| source clips | ").append(stats.sourceClips()).append(" |\n");
        md.append("| video shards | ").append(stats.shards()).append(" |\n");
        md.append("| video bytes | ").append(stats.videoBytes()).append(" |\n");
        if (sim2real) {
            md.append("| sim2real pairs | ").append(stats.sim2realPairs()).append(" |\n");
        }
        if (stats.meanJudgeScore() != null) {
            md.append("| mean judge score | ").append(stats.meanJudgeScore()).append(" |\n");
        }
        md.append("| mean instruction length (chars) | ").append(stats.meanInstructionChars()).append(" |\n\n");
        md.append("| category | samples | mean judge score |\n|---|---:|---:|\n");
        for (Map.Entry<String, ReleaseStats.CategoryStats> e : stats.categories().entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().samples()).append(" | ")
                    .append(e.getValue().meanJudgeScore() == null ? "" : e.getValue().meanJudgeScore()).append(" |\n");
        }
        md.append("\n## Release notes\n\n").append(ReleaseNotes.compose(target.notes(), target.diff())).append('\n');
        return md.toString();
    }

    static String sizeCategory(long n) {
        if (n < 1_000) return "n<1K";
        if (n < 10_000) return "1K<n<10K";
        if (n < 100_000) return "10K<n<100K";
        if (n < 1_000_000) return "100K<n<1M";
        if (n < 10_000_000) return "1M<n<10M";
        if (n < 100_000_000) return "10M<n<100M";
        return "100M<n<1B";
    }

    /** A YAML plain scalar when safe, else a double-quoted one. */
    static String yamlScalar(String value) {
        if (value.matches("[A-Za-z0-9][A-Za-z0-9 ._/-]*") && !value.endsWith(" ")) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
