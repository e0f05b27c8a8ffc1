package dev.ditto.releases;

import dev.ditto.blobs.BlobStore;
import dev.ditto.blobs.S3BlobStore;
import dev.ditto.platform.DittoProperties;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/** Wires the release builder over the blob store, with release files under {@code <data-dir>/releases}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReleaseProperties.class)
class ReleaseConfiguration {

    @Bean
    ReleaseBuilder releaseBuilder(DataSource dataSource, BlobStore blobs, ReleaseProperties properties,
                                  ObjectMapper json, Clock clock, DittoProperties ditto,
                                  @org.springframework.beans.factory.annotation.Value("${ditto.releases.build-lease-seconds:60}")
                                  int leaseSeconds) {
        java.nio.file.Path root = ditto.dataDir().resolve("releases");
        ReleaseStorage storage = blobs instanceof S3BlobStore s3 ? ReleaseStorage.s3(root, s3.folder("releases"))
                : ReleaseStorage.local();
        return new ReleaseBuilder(dataSource, BlobFiles.of(blobs), properties, json, clock, root, storage)
                .leasedAs(new ReleaseBuilder.BuildLease("build-" + ProcessHandle.current().pid() + "-"
                        + java.util.UUID.randomUUID(), leaseSeconds));
    }

    @Bean
    ReleaseCatalog releaseCatalog(DataSource dataSource, ObjectMapper json) {
        return new ReleaseCatalog(dataSource, json);
    }
}
