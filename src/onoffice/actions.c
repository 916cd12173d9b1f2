#include "onoffice/actions.h"

#define OO_URN_PREFIX "urn:onoffice-de-ns:smart:2.5:smartml:action:"

const char *oo_action_urn(enum oo_action a)
{
	switch (a) {
	case OO_READ:
		return OO_URN_PREFIX "read";
	case OO_CREATE:
		return OO_URN_PREFIX "create";
	case OO_MODIFY:
		return OO_URN_PREFIX "modify";
	case OO_DELETE:
		return OO_URN_PREFIX "delete";
	case OO_GET:
		return OO_URN_PREFIX "get";
	case OO_DO:
		return OO_URN_PREFIX "do";
	}
	return OO_URN_PREFIX "read";
}

bool oo_action_writes(enum oo_action a)
{
	return a == OO_CREATE || a == OO_MODIFY || a == OO_DELETE || a == OO_DO;
}

const char *oo_action_name(enum oo_action a)
{
	const char *urn = oo_action_urn(a);
	return urn + sizeof(OO_URN_PREFIX) - 1;
}
