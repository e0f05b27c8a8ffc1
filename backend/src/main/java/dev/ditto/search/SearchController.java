package dev.ditto.search;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Search over HTTP: {@code GET/POST /api/search}, {@code GET /api/search/similar/{id}} for viewers and up;
 * {@code POST /api/admin/search/reindex} (what {@code ./ditto reindex} calls) and {@code GET /api/admin/search/status}
 * for admins.
 */
@RestController
class SearchController {
    private final SampleSearch search;
    private final SearchAdmin admin;

    SearchController(SampleSearch search, SearchAdmin admin) {
        this.search = search;
        this.admin = admin;
    }

    @GetMapping("/api/search")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    SearchPage get(@RequestParam(name = "q", required = false) @Nullable String text,
                   @RequestParam(name = "category", required = false) @Nullable List<String> categories,
                   @RequestParam(name = "status", required = false) @Nullable List<String> statuses,
                   @RequestParam(name = "engine", required = false) @Nullable List<String> engines,
                   @RequestParam(name = "tag", required = false) @Nullable List<String> tags,
                   @RequestParam(name = "release", required = false) @Nullable List<Long> releases,
                   @RequestParam(name = "campaign", required = false) @Nullable List<Long> campaigns,
                   @RequestParam(name = "minJudge", required = false) @Nullable Double minJudge,
                   @RequestParam(name = "maxJudge", required = false) @Nullable Double maxJudge,
                   @RequestParam(name = "sort", required = false) @Nullable SortOrder sort,
                   @RequestParam(name = "size", required = false) @Nullable Integer size,
                   @RequestParam(name = "cursor", required = false) @Nullable String cursor,
                   @RequestParam(name = "facets", required = false) @Nullable Boolean facets,
                   @RequestParam(name = "wordsOnly", required = false) @Nullable Boolean wordsOnly) {
        List<ScoreRange> ranges = minJudge == null && maxJudge == null ? List.of()
                : List.of(new ScoreRange(ScoreField.JUDGE_OVERALL, minJudge, maxJudge));
        return search.search(new SearchRequest(text, categories, statuses, engines, tags, releases, campaigns, ranges,
                null, sort, size, cursor, facets, wordsOnly));
    }

    @PostMapping("/api/search")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    SearchPage post(@RequestBody SearchRequest request) {
        return search.search(request);
    }

    @GetMapping("/api/search/similar/{sampleId}")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    SearchPage similar(@PathVariable long sampleId, @RequestParam(name = "size", required = false) @Nullable Integer size,
                       @RequestParam(name = "cursor", required = false) @Nullable String cursor) {
        SearchRequest request = SearchRequest.similarTo(sampleId).after(cursor);
        return search.search(size == null ? request : request.withSize(size));
    }

    @PostMapping("/api/admin/search/reindex")
    @PreAuthorize("hasRole('ADMIN')")
    ReindexReport reindex() {
        return admin.reindex();
    }

    @GetMapping("/api/admin/search/status")
    @PreAuthorize("hasRole('ADMIN')")
    SearchStatus status() {
        return admin.status();
    }
}
