/*
 * actions.h - the handlers of the actions the emulator answers, one per
 * (verb, resourcetype); api.c's table maps requests to them. Each lives in an
 * act_*.c file and uses only action.h and the stores below it.
 */
#ifndef IMMO_EMU_ACTIONS_H
#define IMMO_EMU_ACTIONS_H

#include "action.h"

int emu_act_read_address(struct emu_action *a, struct emu_answer *ans);
int emu_act_search(struct emu_action *a, struct emu_answer *ans);
int emu_act_fields(struct emu_action *a, struct emu_answer *ans);
int emu_act_actionkindtypes(struct emu_action *a, struct emu_answer *ans);
int emu_act_search_criteria_fields(struct emu_action *a, struct emu_answer *ans);
int emu_act_create_address(struct emu_action *a, struct emu_answer *ans);
int emu_act_modify_address(struct emu_action *a, struct emu_answer *ans);
int emu_act_create_agentslog(struct emu_action *a, struct emu_answer *ans);
int emu_act_read_agentslog(struct emu_action *a, struct emu_answer *ans);
int emu_act_create_estate(struct emu_action *a, struct emu_answer *ans);
int emu_act_read_estate(struct emu_action *a, struct emu_answer *ans);
int emu_act_create_relation(struct emu_action *a, struct emu_answer *ans);
int emu_act_idsfromrelation(struct emu_action *a, struct emu_answer *ans);
int emu_act_create_searchcriteria(struct emu_action *a, struct emu_answer *ans);
int emu_act_searchcriterias(struct emu_action *a, struct emu_answer *ans);
int emu_act_unlock_provider(struct emu_action *a, struct emu_answer *ans);

#endif
