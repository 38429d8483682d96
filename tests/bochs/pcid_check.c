// SPDX-License-Identifier: GPL-2.0
/*
 * Prints, from every online CPU, CR4.PCIDE and the PCID field of CR3 as the
 * CPU has them: the evidence that a guest really runs the kernel's ASID
 * code (scripts/bochs-run.sh). /proc/cpuinfo's "pcid" says the kernel
 * meant to turn PCID on; these are the registers themselves. With PCID on
 * the kernel puts ASID + 1 in CR3 (kern_pcid()), so the field is never 0.
 * Nothing is left to undo: the module stays loaded, inert.
 */
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>

static void pcid_check_report(void *unused)
{
	unsigned long cr4 = native_read_cr4();
	unsigned long cr3 = __native_read_cr3();

	pr_info("pcid_check: cpu %d cr4.pcide %d cr3.pcid %lu\n",
		smp_processor_id(), !!(cr4 & X86_CR4_PCIDE),
		(unsigned long)(cr3 & X86_CR3_PCID_MASK));
}

static int __init pcid_check_init(void)
{
	on_each_cpu(pcid_check_report, NULL, 1);
	return 0;
}
module_init(pcid_check_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Report CR4.PCIDE and CR3's PCID on every CPU");
