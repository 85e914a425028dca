package io.github.bottlerocket.ecsupdater.model;

/**
 * CPU units and memory in MiB, as ECS counts them for placement.
 *
 * @param cpu CPU units (1,024 per vCPU)
 * @param memoryMiB memory in MiB
 */
public record Resources(int cpu, int memoryMiB) {
  public static final Resources NONE = new Resources(0, 0);

  public Resources plus(Resources other) {
    return new Resources(cpu + other.cpu, memoryMiB + other.memoryMiB);
  }

  public Resources minus(Resources other) {
    return new Resources(cpu - other.cpu, memoryMiB - other.memoryMiB);
  }

  /** Whether {@code demand} fits into these resources. */
  public boolean fits(Resources demand) {
    return demand.cpu <= cpu && demand.memoryMiB <= memoryMiB;
  }

  @Override
  public String toString() {
    return cpu + " CPU units / " + memoryMiB + " MiB";
  }
}
