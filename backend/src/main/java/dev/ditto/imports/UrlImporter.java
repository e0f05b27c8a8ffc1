package dev.ditto.imports;

import dev.ditto.sources.IngestException;
import dev.ditto.sources.IngestResult;
import dev.ditto.sources.SourceService;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * Downloads videos from http(s) URLs into {@link SourceService#ingest}, one result per URL. Guards: only http and
 * https; a host written as a number must be four decimal octets ({@link OutboundAddressPolicy#hostRefusal}); every
 * address a host resolves to must pass the {@link AddressPolicy}, and the checked addresses are pinned for the
 * connection (the client's own resolver hands them back); redirects are followed by hand, each hop checked the
 * same way, at most {@code maxRedirects}; connect and read timeouts; and a size cut-off while streaming, whatever
 * the server announced. A connection that is refused, times out or is closed before an answer gets one and the
 * same message, so the import can't be used to tell open from closed ports. No proxy is used, and nothing is
 * decompressed on the way.
 */
public final class UrlImporter {
    /** The one answer for every connection that gave no HTTP answer. */
    static final String COULD_NOT_FETCH = "could not fetch the URL (no answer from the server).";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UrlImporter.class);
    private final SourceService sources;
    private final HostResolver resolver;
    private final AddressPolicy policy;
    private final Limits limits;

    /** The limits of one import: bytes per download, timeouts and redirects. */
    public record Limits(long maxBytes, Duration connectTimeout, Duration readTimeout, int maxRedirects) {}

    public UrlImporter(SourceService sources, HostResolver resolver, AddressPolicy policy, Limits limits) {
        this.sources = sources;
        this.resolver = resolver;
        this.policy = policy;
        this.limits = limits;
    }

    /** Imports each URL in turn; a refused or failing one does not stop the others. */
    public ImportReport importUrls(List<String> urls) {
        List<ImportItem> items = new ArrayList<>();
        GuardedDnsResolver dns = new GuardedDnsResolver(resolver, policy);
        CloseableHttpClient client = client(dns);
        try {
            for (String url : urls) {
                if (!url.isBlank()) {
                    items.add(importUrl(client, dns, url.strip()));
                }
            }
        } finally {
            client.close(CloseMode.IMMEDIATE);
        }
        return ImportReport.of(items);
    }

    private ImportItem importUrl(CloseableHttpClient client, GuardedDnsResolver dns, String url) {
        try {
            URI current = checkedUri(url);
            for (int hop = 0; ; hop++) {
                dns.resolve(current.getHost()); // a clear refusal before any connection; the client gets the pinned addresses
                HttpGet get = new HttpGet(current);
                get.setHeader("User-Agent", "ditto-import/1");
                get.setHeader("Accept", "video/*, application/octet-stream;q=0.9, */*;q=0.5");
                get.setHeader("Accept-Encoding", "identity");
                ClassicHttpResponse response = client.executeOpen(null, get, null);
                try {
                    int code = response.getCode();
                    if (code == 301 || code == 302 || code == 303 || code == 307 || code == 308) {
                        Header location = response.getFirstHeader("Location");
                        if (location == null) {
                            return ImportItem.refused(url, "the server answered HTTP " + code + " without saying where to go.");
                        }
                        if (hop >= limits.maxRedirects()) {
                            return ImportItem.refused(url, "more than " + limits.maxRedirects()
                                    + " redirects (ditto.imports.max-redirects); give the final URL.");
                        }
                        current = checkedUri(current.resolve(location.getValue().strip()).toString());
                        continue;
                    }
                    if (code != 200) {
                        return ImportItem.refused(url, "the server answered HTTP " + code
                                + (response.getReasonPhrase() == null ? "" : " " + response.getReasonPhrase()) + ".");
                    }
                    return download(url, current, response);
                } finally {
                    // Abort rather than drain whatever is left: a hostile server may send an endless body.
                    get.cancel();
                    closeQuietly(response);
                }
            }
        } catch (Refusal | RefusedAddressException e) {
            return ImportItem.refused(url, e.getMessage());
        } catch (java.net.UnknownHostException e) {
            return ImportItem.refused(url, "the host is unknown (DNS found no address).");
        } catch (IOException e) {
            // Refused, reset, timed out or closed: one message, so that open and closed ports look alike.
            LOG.debug("URL import of {} failed", url, e);
            return ImportItem.refused(url, COULD_NOT_FETCH);
        }
    }

    private ImportItem download(String url, URI current, ClassicHttpResponse response) throws IOException {
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            return ImportItem.refused(url, "the server sent no content.");
        }
        long announced = entity.getContentLength();
        if (announced > limits.maxBytes()) {
            return ImportItem.refused(url, "too large: the server announces " + mb(announced) + " MB and the limit is "
                    + mb(limits.maxBytes()) + " MB (ditto.imports.max-download-mb).");
        }
        InputStream raw = entity.getContent();
        LimitedInputStream in = new LimitedInputStream(raw, limits.maxBytes());
        try {
            IngestResult result = sources.ingest(in, fileName(current), SourceService.Origin.URL, url);
            return ImportItem.imported(url, result.sourceId(), result.duplicate());
        } catch (IngestException e) {
            if (in.exceeded()) {
                return ImportItem.refused(url, "too large: the download passed the limit of " + mb(limits.maxBytes())
                        + " MB (ditto.imports.max-download-mb) and was stopped there.");
            }
            if (e.getCause() instanceof SocketTimeoutException) {
                return ImportItem.refused(url, "timed out while downloading (read timeout "
                        + limits.readTimeout().toSeconds() + " s).");
            }
            return ImportItem.refused(url, e.getMessage());
        }
    }

    private static URI checkedUri(String url) throws Refusal {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refusal("is not a valid URL: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refusal("only http and https URLs can be imported" + (scheme.isEmpty() ? "" : ", not " + scheme) + ".");
        }
        String host = uri.getHost() != null ? uri.getHost() : authorityHost(uri.getRawAuthority());
        if (host == null || host.isBlank()) {
            throw new Refusal("the URL names no host.");
        }
        String hostRefusal = OutboundAddressPolicy.hostRefusal(host);
        if (hostRefusal != null) {
            throw new Refusal("the host is " + (hostRefusal.startsWith("'") ? "refused: " : "") + hostRefusal
                    + "; imports fetch from public addresses only.");
        }
        if (uri.getRawUserInfo() != null || uri.getHost() == null) {
            throw new Refusal(uri.getHost() == null ? "the URL names no host it can be fetched from."
                    : "URLs with a user name or password are not imported.");
        }
        return uri;
    }

    /** The host part of an authority {@link URI} could not read as a server (such as {@code 127.1:80}), if any. */
    private static @Nullable String authorityHost(@Nullable String authority) {
        if (authority == null) {
            return null;
        }
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        return hostPort.replaceFirst(":[0-9]*$", "");
    }

    static String fileName(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String last = path.substring(path.lastIndexOf('/') + 1);
        String name = URLDecoder.decode(last, StandardCharsets.UTF_8).strip();
        return name.isEmpty() ? uri.getHost() + "-download" : name;
    }

    private CloseableHttpClient client(GuardedDnsResolver dns) {
        Timeout connect = Timeout.ofMilliseconds(limits.connectTimeout().toMillis());
        Timeout read = Timeout.ofMilliseconds(limits.readTimeout().toMillis());
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(dns)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect).setSocketTimeout(read).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setRedirectsEnabled(false).setResponseTimeout(read).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }

    /** A URL refused before or between requests. */
    private static final class Refusal extends IOException {
        Refusal(String message) {
            super(message);
        }
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException | RuntimeException e) {
            // the exchange was aborted on purpose; nothing to report
        }
    }
}
