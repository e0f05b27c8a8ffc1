package dev.ditto.releases;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes the CSV DiffSynth-Studio reads with {@code pandas.read_csv} defaults: RFC 4180, comma-separated, a header
 * row, a cell quoted (quotes doubled) when it holds a comma, a quote or a line break, LF line endings.
 */
final class DiffSynthCsv {
    private final Writer out;
    private final boolean referenceImage;

    DiffSynthCsv(Writer out, boolean referenceImage) throws IOException {
        this.out = out;
        this.referenceImage = referenceImage;
        row(referenceImage ? new String[] {"video", "vace_video", "prompt", "vace_reference_image"}
                : new String[] {"video", "vace_video", "prompt"});
    }

    void sample(String video, String vaceVideo, String prompt, String referenceImageOrEmpty) throws IOException {
        if (referenceImage) {
            row(new String[] {video, vaceVideo, prompt, referenceImageOrEmpty});
        } else {
            row(new String[] {video, vaceVideo, prompt});
        }
    }

    private void row(String[] cells) throws IOException {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(cell(cells[i]));
        }
        out.write('\n');
    }

    static String cell(String value) {
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
