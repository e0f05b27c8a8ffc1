package dev.ditto.ui.search;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.campaigns.CampaignService;
import dev.ditto.curation.CuratorTags;
import dev.ditto.curation.DecisionBatches;
import dev.ditto.curation.ReviewService;
import dev.ditto.releases.ReleaseService;
import dev.ditto.search.Hit;
import dev.ditto.search.SampleSearch;
import dev.ditto.search.SearchPage;
import dev.ditto.search.SearchRequest;
import dev.ditto.search.SearchUnavailableException;
import dev.ditto.ui.sourcesview.StartCampaignDialog;
import jakarta.annotation.security.PermitAll;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.springframework.security.concurrent.DelegatingSecurityContextExecutor;
import org.springframework.security.concurrent.DelegatingSecurityContextRunnable;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Hybrid search over samples: facets (status, category, engine, tag), releases and score ranges; matched words
 * emphasised and each row saying why it matched (its words, or similar by meaning with the score); "words only";
 * "more like this" per row; curators accept, reject or tag the selection in bulk, decide all matches of the query in
 * one undoable batch, or start an instruction campaign on the sources of the results. Searches run off the UI
 * thread: the page stays usable (and navigation works) while Elasticsearch is slow or hangs, with a spinner and a
 * Cancel button meanwhile.
 */
@Route("search")
@PageTitle("Search · Ditto")
@Menu(title = "Search", order = 2, icon = "vaadin:search")
@PermitAll
public class SearchView extends VerticalLayout {
    private final SampleSearch search;
    private final ReviewService reviews;
    private final CampaignService campaigns;
    private final TextField text = new TextField();
    private final Checkbox wordsOnly = new Checkbox("Words only");
    private final SearchFilters filters;
    private final SearchResultsGrid grid = new SearchResultsGrid(this::moreLikeThis, this::open);
    private final Span total = new Span();
    private final Div similarBanner = new Div();
    private final Span similarTitle = new Span();
    private final Button more = new Button("Load more");
    private final HorizontalLayout busy = new HorizontalLayout();
    /** Searches in flight, one virtual thread each, shared by every page (each search carries its user's context). */
    private static final ExecutorService SEARCHES = Executors.newVirtualThreadPerTaskExecutor();
    /** How long a click waits for the search's answer before freeing the page (spinner, Cancel, answer pushed). */
    private static final java.time.Duration WAIT_ON_PAGE = java.time.Duration.ofMillis(1500);
    /** Which search the page waits for: a result of an older (superseded or cancelled) one is dropped. */
    private long generation;
    private final List<Hit> hits = new ArrayList<>();
    private @Nullable Long similarTo;
    private @Nullable SearchRequest lastRequest;
    private @Nullable String cursor;

    public SearchView(SampleSearch search, ReviewService reviews, CuratorTags tags, CampaignService campaigns,
                      ReleaseService releases, DecisionBatches batches, AuthenticationContext auth) {
        this.search = search;
        this.reviews = reviews;
        this.campaigns = campaigns;
        String username = auth.getPrincipalName().orElseThrow();
        boolean curator = auth.hasAnyRole("CURATOR", "ADMIN");
        setSizeFull();
        filters = new SearchFilters(releases.list(200, 0), this::run);
        text.setPlaceholder("Search instructions and captions…");
        text.setWidth("32em");
        text.setClearButtonVisible(true);
        text.getElement().setAttribute("data-testid", "search-text");
        text.addKeyPressListener(Key.ENTER, e -> textSearch());
        Button go = new Button("Search", e -> textSearch());
        go.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        go.getElement().setAttribute("data-testid", "search-run");
        total.getElement().setAttribute("data-testid", "search-total");
        wordsOnly.getElement().setAttribute("data-testid", "search-words-only");
        wordsOnly.setTooltipText("Only samples containing the words; no matches by meaning");
        wordsOnly.addValueChangeListener(e -> run());

        similarTitle.getElement().setAttribute("data-testid", "similar-title");
        similarTitle.getStyle().set("font-weight", "600");
        Button back = new Button("Back to text search", e -> textSearch());
        back.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        back.getElement().setAttribute("data-testid", "similar-back");
        similarBanner.add(similarTitle, back);
        similarBanner.getElement().setAttribute("data-testid", "similar-banner");
        similarBanner.getStyle().set("display", "flex").set("align-items", "baseline").set("gap", "var(--lumo-space-m)")
                .set("background", "var(--lumo-contrast-5pct)").set("padding", "0 var(--lumo-space-s)")
                .set("border-radius", "var(--lumo-border-radius-m)");
        similarBanner.setVisible(false);

        more.addClickListener(e -> loadMore());
        more.setVisible(false);
        ProgressBar spinner = new ProgressBar();
        spinner.setIndeterminate(true);
        spinner.setWidth("6em");
        Button cancel = new Button("Cancel", e -> cancelSearch());
        cancel.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        cancel.getElement().setAttribute("data-testid", "search-cancel");
        busy.add(spinner, new Span("Searching…"), cancel);
        busy.setAlignItems(FlexComponent.Alignment.CENTER);
        busy.getElement().setAttribute("data-testid", "search-busy");
        busy.setVisible(false);
        BulkBar bulkBar = new BulkBar(reviews, tags, username, grid::getSelectedItems, this::changed);
        bulkBar.setVisible(curator);
        DecideAllPanel decideAll = new DecideAllPanel(batches, username, () -> lastRequest, this::searchAgainSoon);
        Button decideAllButton = decideAll.button();
        decideAllButton.setVisible(curator);
        bulkBar.add(decideAllButton);
        Button campaign = new Button("Start campaign for these results' sources…", e -> startCampaign());
        campaign.getElement().setAttribute("data-testid", "search-start-campaign");
        campaign.setVisible(curator);
        HorizontalLayout bar = new HorizontalLayout(text, go, wordsOnly, total, busy, campaign);
        bar.setAlignItems(FlexComponent.Alignment.BASELINE);
        // filters in a column of their own, so the results keep the height of the page however many facets there are
        filters.setWidth("17em");
        filters.setHeightFull();
        // min-height 0: a flex child may be shorter than its content, so the column scrolls instead of the page
        filters.getStyle().set("flex-shrink", "0").set("overflow-y", "auto").set("min-height", "0");
        VerticalLayout results = new VerticalLayout(similarBanner, bulkBar, decideAll, grid, more);
        results.setPadding(false);
        results.setSizeFull();
        results.expand(grid);
        HorizontalLayout body = new HorizontalLayout(filters, results);
        body.setSizeFull();
        body.getStyle().set("min-height", "0");
        body.expand(results);
        add(new H2("Search"), bar, body);
        expand(body);
        run();
    }

    /** A search by the words in the box (leaving "more like this"). */
    private void textSearch() {
        similarTo = null;
        run();
    }

    private void moreLikeThis(Hit hit) {
        similarTo = hit.sampleId();
        String instruction = hit.instruction().length() > 80 ? hit.instruction().substring(0, 79) + "…" : hit.instruction();
        similarTitle.setText("Samples like #" + hit.sampleId() + " “" + instruction + "”");
        run();
    }

    private void open(Hit hit) {
        reviews.item(hit.sampleId()).ifPresentOrElse(item -> new SampleDialog(item).open(),
                () -> Notification.show("Sample #" + hit.sampleId() + " is gone; search again."));
    }

    private void run() {
        SearchRequest request = filters.applyTo(similarTo == null ? SearchRequest.text(text.getValue()).withWordsOnly(wordsOnly.getValue())
                : SearchRequest.similarTo(similarTo));
        similarBanner.setVisible(similarTo != null);
        lastRequest = request;
        grid.deselectAll();
        fetch(request, page -> {
            hits.clear(); // only now: until the new page comes, the rows shown (and clickable) stay the old ones
            filters.update(page);
            total.setText(page.total() + (page.totalExact() ? "" : "+") + " samples · " + page.tookMs() + " ms");
            // which search the count is of, for whoever reads the page (a browser test waits on it)
            total.getElement().setAttribute("data-search", similarTo != null ? "similar:" + similarTo
                    : "text:" + (request.text() == null ? "" : request.text()));
            show(page);
        });
    }

    private void loadMore() {
        if (lastRequest == null || cursor == null) {
            return;
        }
        fetch(lastRequest.after(cursor).withFacets(false), this::show);
    }

    /**
     * Runs the search on a thread of its own. An answer within {@link #WAIT_ON_PAGE} is shown at once, in the same
     * response as the click (the usual case, and the page behaves as a plain synchronous search would); a slower one
     * frees the page: a spinner and Cancel show, the rest of the dashboard works, and the page is pushed when the
     * answer comes. A newer search supersedes an older one still running.
     */
    private void fetch(SearchRequest request, Consumer<SearchPage> onPage) {
        UI ui = UI.getCurrent();
        long mine = ++generation;
        CompletableFuture<SearchPage> answer = CompletableFuture.supplyAsync(() -> search.search(request),
                new DelegatingSecurityContextExecutor(SEARCHES, SecurityContextHolder.getContext()));
        try {
            SearchPage page = answer.get(WAIT_ON_PAGE.toMillis(), TimeUnit.MILLISECONDS);
            busy.setVisible(false);
            onPage.accept(page);
            return;
        } catch (TimeoutException slow) {
            busy.setVisible(true);
        } catch (ExecutionException e) {
            busy.setVisible(false);
            failed(e.getCause() != null ? e.getCause() : e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        answer.whenComplete((page, error) -> ui.access(() -> {
            if (mine != generation) {
                return; // superseded or cancelled
            }
            busy.setVisible(false);
            if (error == null) {
                onPage.accept(page);
            } else {
                failed(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
        }));
    }

    private static void failed(Throwable cause) {
        Notification.show(cause instanceof SearchUnavailableException ? cause.getMessage()
                : "The search failed: " + cause.getMessage());
    }

    /** Stops waiting for the search in flight (Elasticsearch's own request timeout ends it on the server). */
    private void cancelSearch() {
        generation++;
        busy.setVisible(false);
        total.setText("Search cancelled");
        total.getElement().setAttribute("data-search", "cancelled");
    }

    private void show(SearchPage page) {
        hits.addAll(page.hits());
        grid.show(List.copyOf(hits)); // a copy: the grid never reads a list this view changes later
        cursor = page.nextCursor();
        more.setVisible(cursor != null);
    }

    /** Every result counts, not only the pages loaded: the campaign resolves the whole search again when it starts. */
    private void startCampaign() {
        if (lastRequest == null) {
            return;
        }
        try {
            StartCampaignDialog.forSampleSearch(campaigns, lastRequest,
                    id -> getUI().ifPresent(ui -> ui.navigate("campaigns/" + id))).open();
        } catch (RuntimeException e) {
            Notification.show(e.getMessage());
        }
    }

    /**
     * The rows show a bulk change at once; the index follows PostgreSQL within a second or two, and then the search
     * runs again (pushed) so facets and counts agree with it.
     */
    private void changed(Set<Long> sampleIds, UnaryOperator<Hit> change) {
        grid.deselectAll();
        hits.replaceAll(h -> sampleIds.contains(h.sampleId()) ? change.apply(h) : h);
        grid.show(List.copyOf(hits));
        searchAgainSoon();
    }

    /** Runs the search again once the index has caught up with PostgreSQL (within a second or two), pushed. */
    private void searchAgainSoon() {
        UI ui = UI.getCurrent();
        CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS).execute(new DelegatingSecurityContextRunnable(
                () -> ui.access(this::run), SecurityContextHolder.getContext()));
    }
}
