package dev.ditto.releases;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectMapper;

/**
 * The file list of a release's {@code manifest.json}, plus the manifest itself: every file a publisher sends, with
 * size and sha256. Read with a streaming parser, so per-shard sample lists never load into memory.
 */
public record ReleaseManifest(String name, String version, List<FileEntry> files) {

    /** One file of the dataset, its path relative to the dataset root. */
    public record FileEntry(String path, long size, String sha256) {}

    /** Total bytes of all files. */
    public long totalBytes() {
        return files.stream().mapToLong(FileEntry::size).sum();
    }

    public static ReleaseManifest read(Path releaseDir, ObjectMapper json) throws IOException {
        return read(ReleaseFiles.local(releaseDir), json);
    }

    /** Reads the manifest of a release's files, wherever they are stored. */
    public static ReleaseManifest read(ReleaseFiles release, ObjectMapper json) throws IOException {
        String manifest = DatasetLayout.MANIFEST;
        String name = "";
        String version = "";
        List<FileEntry> files = new ArrayList<>();
        MessageDigest digest = HashingOutput.sha256();
        long[] size = {0};
        // the manifest's own size and sha256 are taken from the bytes as they are read
        InputStream counted = new java.io.FilterInputStream(new java.security.DigestInputStream(release.open(manifest), digest)) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                size[0] += b < 0 ? 0 : 1;
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                size[0] += Math.max(n, 0);
                return n;
            }
        };
        try (InputStream in = counted; JsonParser p = json.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(manifest + " is not a release manifest");
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "name" -> name = p.getString();
                    case "version" -> version = p.getString();
                    case "files" -> {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            files.add(fileEntry(p, manifest));
                        }
                    }
                    default -> {
                        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                            p.skipChildren();
                        }
                    }
                }
            }
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        files.add(new FileEntry(DatasetLayout.MANIFEST, size[0], java.util.HexFormat.of().formatHex(digest.digest())));
        return new ReleaseManifest(name, version, List.copyOf(files));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha = HashingOutput.sha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static FileEntry fileEntry(JsonParser p, String manifest) throws IOException {
        String path = null;
        long size = -1;
        String sha = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "path" -> path = p.getString();
                case "size" -> size = p.getLongValue();
                case "sha256" -> sha = p.getString();
                default -> {
                    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                        p.skipChildren();
                    }
                }
            }
        }
        if (path == null || size < 0 || sha == null) {
            throw new IOException(manifest + " lists a file without path, size or sha256");
        }
        return new FileEntry(path, size, sha);
    }
}
