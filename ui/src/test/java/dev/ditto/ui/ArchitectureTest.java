package dev.ditto.ui;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The arrows of DESIGN.md: db ← agent ← backend ← ui; views call services, never the database. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.ditto");
    }

    @Test
    void viewsNeverTouchPersistence() {
        noClasses().that().resideInAPackage("dev.ditto.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.jdbc..", "java.sql..", "javax.sql..",
                        "co.elastic.clients..")
                .check(classes);
    }

    @Test
    void theAgentKnowsNothingOfTheServer() {
        noClasses().that().resideInAPackage("dev.ditto.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "dev.ditto.platform..",
                        "dev.ditto.jobs..", "dev.ditto.sources..", "dev.ditto.ui..")
                .check(classes);
    }

    @Test
    void theBackendNeverReachesIntoTheUi() {
        noClasses().that().resideOutsideOfPackage("dev.ditto.ui..")
                .should().dependOnClassesThat().resideInAPackage("dev.ditto.ui..")
                .check(classes);
    }

    @Test
    void theRunnerProtocolIsPlainRecords() {
        classes().that().resideInAPackage("dev.ditto.protocol..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.ditto.protocol..",
                        "com.fasterxml.jackson.annotation..", "org.jspecify..")
                .check(classes);
    }

    @Test
    void theDatabaseModuleDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("dev.ditto.db..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.ditto.platform..", "dev.ditto.agent..", "dev.ditto.ui..",
                        "dev.ditto.protocol..")
                .check(classes);
    }
}
