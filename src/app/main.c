#include <stdio.h>
int main(void)
{
	puts("immosync " IMMO_VERSION);
	return 0;
}
