package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * DynamoDB tables of the simulated account, created by scenarios ({@code
 * cluster.dynamoDb().createTable("leases", "cluster")}); each has a string partition key and no
 * sort key, and is on-demand. Items are kept in DynamoDB's attribute-value JSON ({@code {"S":
 * "x"}}). Guarded by the cluster.
 */
public final class DynamoDb {
  /** One table. */
  static final class Table {
    final String name;
    final String hashKey;
    final Instant createdAt;
    final Map<String, ObjectNode> items = new LinkedHashMap<>();

    Table(String name, String hashKey, Instant createdAt) {
      this.name = name;
      this.hashKey = hashKey;
      this.createdAt = createdAt;
    }

    String arn() {
      return "arn:aws:dynamodb:"
          + SimulatedCluster.REGION
          + ":"
          + SimulatedCluster.ACCOUNT
          + ":table/"
          + name;
    }
  }

  private final SimulatedCluster cluster;
  private final Map<String, Table> tables = new LinkedHashMap<>();

  DynamoDb(SimulatedCluster cluster) {
    this.cluster = cluster;
  }

  /** Creates an empty table whose partition key {@code hashKey} is a string. */
  public void createTable(String name, String hashKey) {
    synchronized (cluster) {
      if (tables.containsKey(name)) {
        throw new IllegalArgumentException("table " + name + " exists already");
      }
      tables.put(name, new Table(name, hashKey, cluster.clock().instant()));
    }
  }

  /** Deletes a table (calls on it answer ResourceNotFoundException from now on). */
  public void deleteTable(String name) {
    synchronized (cluster) {
      tables.remove(name);
    }
  }

  /** The item with partition key {@code key}, as attribute-value JSON. */
  public Optional<JsonNode> item(String table, String key) {
    synchronized (cluster) {
      Table t = tables.get(table);
      if (t == null) {
        throw new IllegalArgumentException("no table named " + table);
      }
      return Optional.ofNullable(t.items.get(key)).map(JsonNode::deepCopy);
    }
  }

  /** Writes an item as a scenario (not the updater) would, for instance a lease held elsewhere. */
  public void putItem(String table, ObjectNode item) {
    synchronized (cluster) {
      Table t = tables.get(table);
      String key = item.path(t.hashKey).path("S").asText();
      t.items.put(key, item.deepCopy());
    }
  }

  Optional<Table> table(String name) {
    return Optional.ofNullable(tables.get(name));
  }
}
