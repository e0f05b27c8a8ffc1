package dev.ditto.releases;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;

/**
 * One direction's training files, written as the samples stream by: the metadata JSON (an array of records) and the
 * DiffSynth-Studio CSV, both hashed as they are written. The forward pairs and the sim2real pairs each have one.
 */
final class TrainingFiles implements AutoCloseable {
    private final String metadataPath;
    private final String csvPath;
    private final HashingOutput metadataOut;
    private final HashingOutput csvOut;
    private final JsonGenerator metadata;
    private final BufferedWriter csvWriter;
    private final DiffSynthCsv csv;
    private long rows;

    TrainingFiles(Path dir, String metadataPath, String csvPath, ObjectMapper json, boolean referenceImage)
            throws IOException {
        this.metadataPath = metadataPath;
        this.csvPath = csvPath;
        Files.createDirectories(dir.resolve(metadataPath).getParent());
        Files.createDirectories(dir.resolve(csvPath).getParent());
        this.metadataOut = new HashingOutput(dir.resolve(metadataPath));
        this.csvOut = new HashingOutput(dir.resolve(csvPath));
        this.metadata = json.createGenerator(HashingOutput.unclosable(metadataOut));
        this.csvWriter = new BufferedWriter(new OutputStreamWriter(HashingOutput.unclosable(csvOut),
                StandardCharsets.UTF_8), 1 << 16);
        this.csv = new DiffSynthCsv(csvWriter, referenceImage);
        metadata.writeStartArray();
    }

    /** The metadata generator, positioned for the next record. */
    JsonGenerator metadata() {
        return metadata;
    }

    /** Writes one CSV row and counts the pair. */
    void csvRow(String video, String vaceVideo, String prompt, String referenceImageOrEmpty) throws IOException {
        csv.sample(video, vaceVideo, prompt, referenceImageOrEmpty);
        rows++;
    }

    long rows() {
        return rows;
    }

    /** Ends both files and adds their digests to {@code files}. */
    void finish(Map<String, HashingOutput.FileDigest> files) throws IOException {
        metadata.writeEndArray();
        metadata.close();
        csvWriter.close();
        files.put(metadataPath, metadataOut.finish());
        files.put(csvPath, csvOut.finish());
    }

    @Override
    public void close() throws IOException {
        try (metadataOut; csvOut; metadata; csvWriter) {
            // closes what finish did not
        }
    }
}
