/*
 * thing-name — the one thing-name rule (modules/facts, shared with the firmware) as the cloud uses it.
 */
export { THING_NAME_MAX, THING_NAME_RULE, thingNameProblem as checkThingName } from "../modules/facts/facts";
