package steward.spark.guard;

/**
 * One write of an analysed plan: the operation (`MERGE`), the plan node that does it
 * (`MergeIntoCommand`) and its target.
 */
public record Write(String operation, String node, Target target) {}
