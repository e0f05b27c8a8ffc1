package dev.ditto.ui.review;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import dev.ditto.curation.CuratorAgreement;
import jakarta.annotation.security.PermitAll;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Agreement per curator: decisions in force, how often each curator agrees with the others on samples both decided
 * (double review) and with the judge, as a percentage and Cohen's kappa ({@code GET /api/curation/agreement}).
 */
@Route("agreement")
@PageTitle("Agreement · Ditto")
@Menu(title = "Agreement", order = 1.5, icon = "vaadin:users")
@PermitAll
public class AgreementView extends VerticalLayout {

    public AgreementView(CuratorAgreement agreement) {
        Grid<CuratorAgreement.Row> grid = new Grid<>();
        grid.getElement().setAttribute("data-testid", "agreement-rows");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(CuratorAgreement.Row::curator).setHeader("Curator").setAutoWidth(true);
        grid.addColumn(CuratorAgreement.Row::decisions).setHeader("Decisions").setAutoWidth(true);
        grid.addColumn(r -> r.decisions() == 0 ? "" : percent(100.0 * r.accepted() / r.decisions())).setHeader("Accepted").setAutoWidth(true);
        grid.addColumn(CuratorAgreement.Row::curatorPairs).setHeader("Compared with curators").setAutoWidth(true);
        grid.addColumn(r -> percent(r.curatorPercent())).setHeader("Agreement").setAutoWidth(true);
        grid.addColumn(r -> kappa(r.curatorKappa())).setHeader("κ").setAutoWidth(true);
        grid.addColumn(CuratorAgreement.Row::judgeComparisons).setHeader("Compared with the judge").setAutoWidth(true);
        grid.addColumn(r -> percent(r.judgePercent())).setHeader("Agreement").setAutoWidth(true);
        grid.addColumn(r -> kappa(r.judgeKappa())).setHeader("κ").setAutoWidth(true);
        grid.setItems(agreement.perCurator());
        grid.setAllRowsVisible(true);
        add(new H2("Agreement per curator"), new Paragraph("Accept/reject decisions in force (undone ones and skips left"
                + " out), compared with other curators' decisions on the same samples (double review,"
                + " ditto.curation.reviews-per-sample) and with the judge's verdict. κ is Cohen's kappa: agreement"
                + " corrected for chance, blank where it is undefined."), grid,
                new RouterLink("Per curator over time: throughput, agreement, κ and overturns per day →", CuratorTrendsView.class));
    }

    private static String percent(@Nullable Double value) {
        return value == null ? "" : String.format(Locale.ROOT, "%.0f%%", value);
    }

    private static String kappa(@Nullable Double value) {
        return value == null ? "" : String.format(Locale.ROOT, "%.2f", value);
    }
}
