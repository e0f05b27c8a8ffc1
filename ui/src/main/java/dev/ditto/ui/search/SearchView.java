package dev.ditto.ui.search;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.campaigns.CampaignService;
import dev.ditto.curation.BulkResult;
import dev.ditto.curation.CuratorDecision;
import dev.ditto.curation.ReasonCode;
import dev.ditto.curation.ReviewService;
import dev.ditto.search.Facet;
import dev.ditto.search.Hit;
import dev.ditto.search.SampleSearch;
import dev.ditto.search.SearchPage;
import dev.ditto.search.SearchRequest;
import dev.ditto.ui.sourcesview.StartCampaignDialog;
import jakarta.annotation.security.PermitAll;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Hybrid search over samples with status and category facets; curators accept or reject the selection in bulk, or
 * start an instruction campaign on the sources of the results.
 */
@Route("search")
@PageTitle("Search · Ditto")
@Menu(title = "Search", order = 2, icon = "vaadin:search")
@PermitAll
public class SearchView extends VerticalLayout {
    private final SampleSearch search;
    private final ReviewService reviews;
    private final CampaignService campaigns;
    private final String username;
    private final boolean curator;
    private final TextField text = new TextField();
    private final CheckboxGroup<String> statuses = new CheckboxGroup<>("Status");
    private final CheckboxGroup<String> categories = new CheckboxGroup<>("Category");
    private final Grid<Hit> grid = new Grid<>();
    private final Span total = new Span();
    private final Button more = new Button("Load more");
    private final ComboBox<ReasonCode> reason = new ComboBox<>();
    private final List<Hit> hits = new ArrayList<>();
    private @Nullable SearchRequest lastRequest;
    private @Nullable String cursor;

    public SearchView(SampleSearch search, ReviewService reviews, CampaignService campaigns, AuthenticationContext auth) {
        this.search = search;
        this.reviews = reviews;
        this.campaigns = campaigns;
        this.username = auth.getPrincipalName().orElseThrow();
        this.curator = auth.hasAnyRole("CURATOR", "ADMIN");
        setSizeFull();
        text.setPlaceholder("Search instructions and captions…");
        text.setWidth("32em");
        text.setClearButtonVisible(true);
        text.getElement().setAttribute("data-testid", "search-text");
        text.addKeyPressListener(com.vaadin.flow.component.Key.ENTER, e -> run());
        Button go = new Button("Search", e -> run());
        go.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        go.getElement().setAttribute("data-testid", "search-run");
        statuses.getElement().setAttribute("data-testid", "search-facet-status");
        categories.getElement().setAttribute("data-testid", "search-facet-category");
        statuses.addValueChangeListener(e -> { if (e.isFromClient()) run(); });
        categories.addValueChangeListener(e -> { if (e.isFromClient()) run(); });
        total.getElement().setAttribute("data-testid", "search-total");

        grid.getElement().setAttribute("data-testid", "search-results");
        grid.setSelectionMode(Grid.SelectionMode.MULTI);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT);
        grid.addColumn(Hit::sampleId).setHeader("#").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(Hit::instruction).setHeader("Instruction").setFlexGrow(1);
        grid.addColumn(h -> h.category().toLowerCase(Locale.ROOT).replace('_', ' ')).setHeader("Category").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(Hit::status).setHeader("Status").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(h -> h.judgeScore() == null ? "" : String.format(Locale.ROOT, "%.2f", h.judgeScore()))
                .setHeader("Judge").setAutoWidth(true).setFlexGrow(0);
        grid.setSizeFull();
        more.addClickListener(e -> loadMore());
        more.setVisible(false);

        reason.setItems(ReasonCode.values());
        reason.setItemLabelGenerator(ReasonCode::label);
        reason.setPlaceholder("Reason to reject");
        reason.getElement().setAttribute("data-testid", "bulk-reason");
        Button accept = new Button("Accept selected", e -> bulk(CuratorDecision.accept()));
        accept.getElement().setAttribute("data-testid", "bulk-accept");
        Button reject = new Button("Reject selected", e -> {
            if (reason.getValue() == null) {
                Notification.show("Pick a reason first.");
            } else {
                bulk(CuratorDecision.reject(reason.getValue(), null));
            }
        });
        reject.getElement().setAttribute("data-testid", "bulk-reject");
        HorizontalLayout bulkBar = new HorizontalLayout(accept, reason, reject);
        bulkBar.setVisible(curator);

        Button campaign = new Button("Start campaign for these results' sources…", e -> startCampaign());
        campaign.getElement().setAttribute("data-testid", "search-start-campaign");
        campaign.setVisible(curator);
        HorizontalLayout bar = new HorizontalLayout(text, go, total, campaign);
        bar.setAlignItems(FlexComponent.Alignment.BASELINE);
        HorizontalLayout facets = new HorizontalLayout(statuses, categories);
        add(new H2("Search"), bar, facets, bulkBar, grid, more);
        expand(grid);
        run();
    }

    private void run() {
        SearchRequest request = SearchRequest.text(text.getValue());
        if (!statuses.getValue().isEmpty()) {
            request = request.withStatuses(List.copyOf(statuses.getValue()));
        }
        if (!categories.getValue().isEmpty()) {
            request = request.withCategories(List.copyOf(categories.getValue()));
        }
        lastRequest = request;
        hits.clear();
        SearchPage page = fetch(request);
        if (page == null) {
            return;
        }
        facet(page, "status", statuses);
        facet(page, "category", categories);
        total.setText(page.total() + (page.totalExact() ? "" : "+") + " samples · " + page.tookMs() + " ms");
        show(page);
    }

    private void loadMore() {
        if (lastRequest == null || cursor == null) {
            return;
        }
        SearchRequest r = lastRequest;
        SearchPage page = fetch(new SearchRequest(r.text(), r.categories(), r.statuses(), r.engines(), r.tags(), r.releaseIds(),
                r.campaignIds(), r.scoreRanges(), r.similarTo(), r.sort(), r.size(), cursor, false));
        if (page != null) {
            show(page);
        }
    }

    private @Nullable SearchPage fetch(SearchRequest request) {
        try {
            return search.search(request);
        } catch (RuntimeException e) {
            Notification.show("Search is unavailable right now: " + e.getMessage());
            return null;
        }
    }

    private void show(SearchPage page) {
        hits.addAll(page.hits());
        grid.setItems(hits);
        cursor = page.nextCursor();
        more.setVisible(cursor != null);
    }

    private static void facet(SearchPage page, String field, CheckboxGroup<String> group) {
        Set<String> selected = group.getValue();
        List<String> values = new ArrayList<>(selected);
        page.facet(field).map(Facet::buckets).orElse(List.of()).forEach(b -> {
            if (!values.contains(b.value())) {
                values.add(b.value());
            }
        });
        group.setItems(values);
        group.setItemLabelGenerator(v -> v + " (" + page.facet(field).map(f -> f.count(v)).orElse(0L) + ")");
        group.setValue(selected);
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

    private void bulk(CuratorDecision decision) {
        List<Long> ids = grid.getSelectedItems().stream().map(Hit::sampleId).toList();
        if (ids.isEmpty()) {
            Notification.show("Select samples first.");
            return;
        }
        BulkResult result = reviews.decideAll(username, ids, decision);
        Notification.show(result.decided().size() + " decided" + (result.refused().isEmpty() ? ""
                : ", " + result.refused().size() + " left alone (not in review)"));
        grid.deselectAll();
        // the rows show the decision at once; the index follows PostgreSQL within a second or two, and then the
        // search runs again (pushed) so facets and counts agree with it
        String after = decision.decision() == dev.ditto.curation.ReviewDecision.ACCEPT ? "ACCEPTED" : "REJECTED";
        Set<Long> decided = Set.copyOf(result.decided());
        hits.replaceAll(h -> decided.contains(h.sampleId()) ? new Hit(h.sampleId(), h.score(), h.instruction(), h.caption(),
                h.category(), after, h.tags(), h.judgeScore(), h.sourceId(), h.keyframeBlobKey(), h.engines(), h.createdAt(),
                h.highlights()) : h);
        grid.setItems(hits);
        com.vaadin.flow.component.UI ui = com.vaadin.flow.component.UI.getCurrent();
        java.util.concurrent.CompletableFuture.delayedExecutor(2, java.util.concurrent.TimeUnit.SECONDS)
                .execute(new org.springframework.security.concurrent.DelegatingSecurityContextRunnable(() -> ui.access(this::run),
                        org.springframework.security.core.context.SecurityContextHolder.getContext()));
    }
}
