package dev.ditto.releases;

import dev.ditto.blobs.S3Folder;
import dev.ditto.blobs.S3Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Where built releases keep their files. The builder writes each release under a local folder
 * ({@code <releases-root>/<name>/<version>}); on local disk that folder is the release. With the S3 blob store
 * each finished shard is sent to {@code releases/<name>/<version>/<path>} in the bucket (multipart, one part in
 * memory) and deleted locally at once, so local staging holds at most the shards being filled; when the build
 * completes the remaining files follow (the manifest last) and the local folder is removed.
 */
public interface ReleaseStorage {

    /** A shard the builder finished writing at {@code dir/path}. */
    void shardWritten(Path dir, String path) throws IOException;

    /** Makes shard {@code path}, first shipped by version {@code firstVersion}, part of the release built in {@code dir}. */
    void linkShard(Path dir, String firstVersion, String path) throws IOException;

    /** The release in {@code dir} is complete. */
    void built(Path dir) throws IOException;

    /** Removes the files of the release in {@code dir} (a failed or discarded build). */
    void discard(Path dir) throws IOException;

    /** The files of the built release whose folder is {@code dir}. */
    ReleaseFiles files(Path dir);

    /** Releases on this machine's disk. */
    static ReleaseStorage local() {
        return new ReleaseStorage() {
            @Override
            public void shardWritten(Path dir, String path) {
                // the folder is the release
            }

            @Override
            public void linkShard(Path dir, String firstVersion, String path) throws IOException {
                Path here = dir.resolve(path);
                if (Files.exists(here)) {
                    return;
                }
                Path there = dir.getParent().resolve(firstVersion).resolve(path);
                if (!Files.exists(there)) {
                    throw new NoSuchFileException(there.toString(), null, "shard " + path + " of version "
                            + firstVersion + " is gone; rebuild that version or compact the release");
                }
                Files.createDirectories(here.getParent());
                try {
                    Files.createLink(here, there);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(there, here, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }

            @Override
            public void built(Path dir) {
                // the folder is the release
            }

            @Override
            public void discard(Path dir) throws IOException {
                ReleaseBuilder.deleteTree(dir);
            }

            @Override
            public ReleaseFiles files(Path dir) {
                return ReleaseFiles.local(dir);
            }
        };
    }

    /** Releases in the S3 blob store's bucket under {@code releases/}, staged under {@code root} while being built. */
    static ReleaseStorage s3(Path root, S3Folder releases) {
        Path base = root.toAbsolutePath().normalize();
        return new ReleaseStorage() {
            private S3Folder folder(Path dir) {
                return releases.resolve(base.relativize(dir.toAbsolutePath().normalize()).toString().replace('\\', '/'));
            }

            @Override
            public void shardWritten(Path dir, String path) throws IOException {
                upload(dir, path);
            }

            @Override
            public void linkShard(Path dir, String firstVersion, String path) throws IOException {
                S3Folder here = folder(dir);
                if (here.size(path).isPresent()) {
                    return;
                }
                S3Folder there = folder(dir.getParent().resolve(firstVersion));
                if (there.size(path).isEmpty()) {
                    throw new NoSuchFileException("s3://" + there.bucket() + "/" + there.key(path), null, "shard " + path
                            + " of version " + firstVersion + " is gone; rebuild that version or compact the release");
                }
                here.copyFrom(there, path, path);
            }

            @Override
            public void built(Path dir) throws IOException {
                List<String> paths;
                try (var walk = Files.walk(dir)) {
                    paths = walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                            .filter(p -> !p.equals(DatasetLayout.MANIFEST)).sorted().toList();
                }
                for (String path : paths) {
                    upload(dir, path);
                }
                upload(dir, DatasetLayout.MANIFEST); // last: a release whose manifest is there is complete
                ReleaseBuilder.deleteTree(dir);
            }

            @Override
            public void discard(Path dir) throws IOException {
                ReleaseBuilder.deleteTree(dir);
                folder(dir).deleteAll();
            }

            @Override
            public ReleaseFiles files(Path dir) {
                S3Folder folder = folder(dir);
                return new ReleaseFiles() {
                    @Override
                    public InputStream open(String path) throws IOException {
                        return folder.open(path);
                    }

                    @Override
                    public <T> T withLocalFile(String path, LocalFileUse<T> use) throws IOException {
                        Files.createDirectories(base);
                        Path staged = Files.createTempFile(base, "staged-", ".part");
                        try {
                            try (InputStream in = folder.open(path)) {
                                Files.copy(in, staged, StandardCopyOption.REPLACE_EXISTING);
                            }
                            return use.apply(staged);
                        } finally {
                            Files.deleteIfExists(staged);
                        }
                    }
                };
            }

            /** Sends {@code dir/path} to the bucket and deletes the local file. */
            private void upload(Path dir, String path) throws IOException {
                Path file = dir.resolve(path);
                try (InputStream in = Files.newInputStream(file); S3Upload out = folder(dir).create(path)) {
                    in.transferTo(out);
                    out.commit();
                }
                Files.delete(file);
            }
        };
    }
}
