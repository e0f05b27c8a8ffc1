package dev.ditto.releases;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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
        md.append("- `stats.json`: the statistics below.\n");
        if (target.quality() != null) {
            md.append("- `").append(DatasetLayout.QUALITY).append("`: the quality report below, with every quantile.\n");
        }
        md.append('\n');
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
        if (target.quality() != null) {
            quality(md, target.quality(), target.diff());
        }
        md.append("\n## Release notes\n\n").append(ReleaseNotes.compose(target.notes(), target.diff())).append('\n');
        return md.toString();
    }

    /** The "Quality" section: overall distributions, means by category, rejection reasons, and the change since the last version. */
    static void quality(StringBuilder md, QualityReport q, ReleaseDiff diff) {
        md.append("\n## Quality\n\n");
        md.append("Judge scores (0-1, higher is better) and the runner's metrics over the shipped samples: `warp_error` is ")
                .append("the edit's temporal warp error over the source's (1 = as stable as the source), `edge_ssim` the ")
                .append("structure kept (SSIM of edge maps), `edit_strength` the mean colour change; `clip_t` (frame-")
                .append("instruction) and `clip_f` (consecutive frames) are CLIP similarities, where a CLIP model scored the ")
                .append("sample. Acceptance counts every decided sample of the selection.\n\n");
        md.append("| measure | n | mean | p10 | p25 | median | p75 | p90 |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        distributions(md, "judge ", q.overall().judge());
        distributions(md, "", q.overall().metrics());
        QualityReport.Decisions all = q.overall().decisions();
        md.append("\nAcceptance: ").append(all.accepted()).append(" of ").append(all.decided()).append(" decided samples")
                .append(all.acceptanceRate() == null ? "" : " (" + percent(all.acceptanceRate()) + ")").append(".\n\n");
        List<String> metrics = QualityReport.METRICS.stream().filter(m -> q.overall().metrics().containsKey(m)).toList();
        md.append("| category | shipped | acceptance | judge overall |");
        metrics.forEach(m -> md.append(' ').append(m).append(" |"));
        md.append("\n|---|---:|---:|---:|").append("---:|".repeat(metrics.size())).append('\n');
        q.categories().forEach((category, g) -> {
            md.append("| ").append(category).append(" | ").append(g.samples()).append(" | ")
                    .append(g.decisions().acceptanceRate() == null ? "" : percent(g.decisions().acceptanceRate()))
                    .append(" | ").append(mean(g.judge(), QualityReport.JUDGE_OVERALL)).append(" |");
            metrics.forEach(m -> md.append(' ').append(mean(g.metrics(), m)).append(" |"));
            md.append('\n');
        });
        if (!all.rejectionReasons().isEmpty()) {
            md.append("\n| rejection reason | samples |\n|---|---:|\n");
            all.rejectionReasons().forEach((reason, n) -> md.append("| ").append(reason).append(" | ").append(n).append(" |\n"));
        }
        List<QualityReport.Change> overall = diff.quality().stream().filter(c -> c.group().equals("all")).toList();
        if (!overall.isEmpty()) {
            md.append("\nSince ").append(diff.previousVersion()).append(" (all samples):\n\n")
                    .append("| measure | ").append(diff.previousVersion()).append(" | now |\n|---|---:|---:|\n");
            overall.forEach(c -> md.append("| ").append(c.measure()).append(" | ").append(number(c.previous()))
                    .append(" | ").append(number(c.current())).append(" |\n"));
        }
    }

    private static void distributions(StringBuilder md, String prefix, Map<String, QualityReport.Distribution> measures) {
        measures.forEach((name, d) -> {
            md.append("| ").append(prefix).append(name).append(" | ").append(d.n()).append(" | ").append(number(d.mean()));
            for (double quantile : QualityReport.QUANTILES) {
                md.append(" | ").append(number(d.quantiles().get(QualityReport.key(quantile))));
            }
            md.append(" |\n");
        });
    }

    private static String mean(Map<String, QualityReport.Distribution> measures, String name) {
        return measures.containsKey(name) ? number(measures.get(name).mean()) : "";
    }

    static String number(@Nullable Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", v * 100);
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
