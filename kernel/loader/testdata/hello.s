# hello.s: the smallest static RV64 program; prints "hi" and exits 0.
# Built by kernel/loader/testdata/build.sh (riscv64-unknown-elf-gcc).
	.text
	.globl _start
_start:	li a0, 1            # fd 1
	la a1, msg          # buffer
	li a2, 3            # length
	li a7, 64           # write
	ecall
	li a0, 0            # status 0
	li a7, 93           # exit
	ecall
	.data
msg:	.ascii "hi\n"
	.bss
buf:	.space 64
