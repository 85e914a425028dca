package io.github.bottlerocket.ecsupdater.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package rules the README promises, checked on the compiled classes. */
class ArchitectureTest {
  private static final String ROOT = "io.github.bottlerocket.ecsupdater";

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);

  @Test
  void onlyTheAdaptersUseTheAwsSdk() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".aws..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("software.amazon.awssdk..")
        .check(CLASSES);
  }

  @Test
  void theEngineKnowsNothingOfItsEntryPointsOrAdapters() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            ROOT + ".aws..",
            ROOT + ".app..",
            ROOT + ".handler..",
            ROOT + ".cli..",
            ROOT + ".telemetry..")
        .check(CLASSES);
  }

  @Test
  void thePlannerDoesNoIo() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".engine.plan..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ROOT + ".port..", ROOT + ".engine.run..")
        .check(CLASSES);
  }

  @Test
  void packagesFormNoCycle() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
  }
}
